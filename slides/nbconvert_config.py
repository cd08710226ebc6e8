"""nbconvert settings for the lecture decks: `make slides` (jupyter nbconvert --config slides/nbconvert_config.py).

A deck is for the room: no code input, no prompts, the lecture template (slides/lecture/: text sized for the
back row, every slide within the 1280x800 box, no request to the web), and reveal.js, RequireJS, jQuery and
MathJax from build/slides/vendor (the Makefile fetches them from npm once), so it opens offline.
"""
from pathlib import Path

c = get_config()  # noqa: F821 (traitlets gives a config file this name)

c.NbConvertApp.export_format = "slides"
c.TemplateExporter.extra_template_basedirs = [str(Path(__file__).resolve().parent)]
c.TemplateExporter.template_name = "lecture"
c.TemplateExporter.exclude_input = True
c.TemplateExporter.exclude_input_prompt = True
c.TemplateExporter.exclude_output_prompt = True
c.SlidesExporter.reveal_url_prefix = "vendor/reveal.js"
c.SlidesExporter.reveal_theme = "white"  # its font ships with reveal.js; 'simple' asks Google Fonts
c.SlidesExporter.reveal_transition = "none"
c.SlidesExporter.reveal_width = "1280"
c.SlidesExporter.reveal_height = "800"
c.SlidesExporter.require_js_url = "vendor/requirejs/require.js"
c.SlidesExporter.jquery_url = "vendor/jquery/dist/jquery.min.js"
c.SlidesExporter.mathjax_url = "vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
