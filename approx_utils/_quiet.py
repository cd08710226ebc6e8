"""Quiet TensorFlow and pick Keras' backend before either is imported anywhere in the package."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
