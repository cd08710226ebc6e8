"""The 'Check yourself' questions of notebooks 01-05 (`check_yourself`): content, not code.

Each answer's `why` rests on what its notebook measured; every number in them is checked against that
notebook's outputs as its prose is (tests/prose.py).
"""
from .selfcheck import Question

QUESTIONS: dict[str, list[Question]] = {
    "01": [
        Question(
            "At the start of training, layer 1's gradient norm is about as large with inputs in [0, "
            '1000] as with standardized inputs. What does that tell you?',
            (
                "Layer 1 is not saturated: a saturated layer's gradient would vanish.",
                'The gradient norm is a poor sign of saturation; read the flat share per layer '
                'instead.',
                'The raw run will fit as well as the standardized one, only more slowly.',
                'The learning rate is too small for the raw inputs.',
            ),
            1,
            (
                '96% of layer 1 is flat at the start with raw inputs, against 0% standardized, while '
                'the gradient norms are 2e-02 and 3e-02.',
                'The flat share (96% against 0% at the start) separates the two runs; the gradient '
                'norm (2e-02 against 3e-02) does not.',
                'Four times the steps (6000) leave the raw run at a median R² of 0.32.',
                'At the same learning rate (0.01) the standardized run fits in 3 of 3 seeds; with raw'
                " inputs a ten times smaller rate does no better (Exercise 2's starting try: 0.28).",
            ),
        ),
        Question(
            'Your sigmoid network on inputs in [0, 1000] fits the first hump of the sine and then '
            'goes flat. What do you change first?',
            (
                'Train four times as long.',
                'Switch to ReLU units with He init.',
                'Standardize x.',
                'Start from smaller weights (normal, std 0.05).',
            ),
            2,
            (
                'With 6000 steps the median R² is 0.32 and `diagnose` still reports saturation. The '
                'units stay on their flat tails however long you train.',
                'With raw inputs ReLU units die (`dead_units`) and the median R² drops to 0.12.',
                'Standardized inputs keep |z| of order 1 where the sigmoid bends; median R² 1.00, 3 '
                'of 3 seeds.',
                'With std 0.05 the median R² stays at 0.31 and `diagnose` still reports saturation: '
                'the inputs in the hundreds still carry z onto the flat tails.',
            ),
        ),
        Question(
            'You bring the inputs to [0, 1]. Layer 1 is 0% flat, yet after 500 steps R² is 0.15. What'
            ' is going on?',
            (
                'It is still saturation: scale x down further.',
                'An underfit: the saturation is gone and the budget is too short.',
                'Inputs must be centred: [0, 1] cannot fit, only standardized inputs can.',
                'A collapse: the network predicts a constant.',
            ),
            1,
            (
                '0% of layer 1 is flat at s = 1, and `diagnose` calls these runs `underfit`, not '
                'saturation.',
                'Given 1500 steps, inputs in [0, 1] reach a median R² of 1.00 (2 of 3 seeds fit). '
                'Removing saturation is necessary, not sufficient.',
                'At 500 steps standardized inputs do no better by the median (0.17 against 0.15), and'
                ' [0, 1] inputs fit at 1500 steps.',
                '`diagnose` reports an underfit here, not a collapse: the fit is poor, but it is not '
                'flat.',
            ),
        ),
        Question(
            'The claim: "unscaled inputs into a sigmoid layer give a near-constant prediction". What '
            'did this notebook measure?',
            (
                'It holds: a constant prediction in every seed.',
                'It holds only in part: a poor fit that follows the low inputs and is flat beyond, '
                'not a constant.',
                'It does not hold: the raw inputs fit well enough.',
            ),
            1,
            (
                'R² is 0.31 in every seed, well clear of the near-constant cut-off of 0.1.',
                'Layer 1 still bends at small x (34% flat below x = 10) and is 100% flat beyond x = '
                '50, so the fit follows the first hump and is flat after it.',
                'A median of 0.31 fails, while the same network with standardized inputs reaches '
                '1.00.',
            ),
        ),
        Question(
            'Which activation rescues the fit with inputs in [0, 1000]?',
            (
                'tanh',
                'ELU',
                'ReLU with He init',
                'None of them: scale the inputs; then the sigmoid, ELU and ReLU networks fit.',
            ),
            3,
            (
                'Tanh is flat beyond |z| > 3, even closer to 0 than the sigmoid (6).',
                'ELU saturates on its negative side the same way: median R² 0.31, `saturation`.',
                'ReLU units do not saturate, they die instead (`dead_units`): median R² 0.12.',
                'The input scale is the fix. Standardized, the sigmoid, ELU and ReLU networks all '
                'reach a median R² of 1.00 in 1500 steps.',
            ),
        ),
    ],
    "02": [
        Question(
            'On random targets one network ends with a training MSE of 0.082, another with 0.080. '
            'Which has learned more?',
            (
                'The second: its MSE is lower.',
                'The first: a higher MSE means it memorised less noise and generalises better.',
                'Neither: both MSEs sit at Var(y), and on fresh points both score R² below 0.',
            ),
            2,
            (
                'Predicting the mean gives an MSE of Var(y) = 0.083, and on fresh points the second '
                'network scores R² −0.01. The small gap is noise it memorised.',
                'Both score −0.01 on fresh points; neither generalises, so neither is better.',
                'There is nothing to learn in random targets. Compare an MSE with Var(y) (0.083 '
                'here), i.e. read R², and read it on points the network has not seen.',
            ),
        ),
        Question(
            'Two runs both end with a flat prediction and `diagnose` reports `collapse` for both. '
            'What tells a learning rate that is too large from one that is too small?',
            (
                'The R²: the larger learning rate gives the lower R².',
                'The loss: a spike in the first steps, or a loss still falling when the run stopped.',
                'The size of y: a large y means the learning rate was too large.',
                'Nothing: both mean "try another learning rate", and the direction does not matter.',
            ),
            1,
            (
                'Both sit near 0 (medians −0.00 and 0.02): the R² says that it failed, not why.',
                'At 1.0 the loss peaked at step 3 at 1022070x its start; at 1e-5 it was still falling'
                ' when the run stopped. `diagnose` reads exactly this and names the direction.',
                'A y in the thousands points to the target scale (fix: standardize y), not to the '
                'learning rate.',
                'The two fixes go opposite ways. `diagnose` says lower it for the spike (it is 1; try'
                ' 0.1) and raise it for the slow run (it is 1e-05; try 0.0001).',
            ),
        ),
        Question(
            'The parabola with raw y collapses. You scale y to [0, 1], run one seed, and it fits. Are'
            ' you done?',
            (
                'Yes: scaling y to [0, 1] fixes the target scale.',
                'No: check more seeds; standardizing y is the fix that held in every seed.',
                'No: the network is too small for a parabola; add units.',
                'No: a larger init (std 0.5) with raw y is the reliable fix.',
            ),
            1,
            (
                'Over three seeds scaling y to [0, 1] rescues 1 of 3 in 1500 steps (median −0.00). '
                'One good seed can be luck.',
                'Standardizing y fits in 3 of 3 seeds (median 1.00). Always look at more than one '
                'seed.',
                'The same network fits the parabola once y is standardized (1.00).',
                "Exercise 1's starting try, std 0.5 with raw y, ends at a median R² of −0.01.",
            ),
        ),
        Question(
            'Six layers with init std 0.001 collapse. Is the depth the problem?',
            (
                'Yes: use one layer instead.',
                'No: the init is far too small for the layers; a fan-in init (He) fixes it.',
                'No: the learning rate is too small; raise it.',
                'Yes: deep networks generally do worse than shallow ones.',
            ),
            1,
            (
                'One layer no longer collapses but still fails (median 0.15, `underfit`).',
                'Std 0.001 shrinks the signal at every layer (its spread is 9e-19 at the output); He '
                "init scales the weights with each layer's fan-in and fits in 3 of 3 seeds (1.00), at"
                ' the same learning rate.',
                'The case runs at a learning rate of 0.001, and He init fits at that same rate '
                '(1.00).',
                'With a sound init the 4×10 ReLU stack fits in every condition of section 5 (1.00); '
                '"deeper is worse" does not hold here.',
            ),
        ),
        Question(
            '"Sigmoid hidden units learn worse than ReLU units." What does section 5 say?',
            (
                'True: sigmoids lose under every condition.',
                'False: sigmoids are never worse.',
                'It depends on the budget: worse in 1500 steps, not in 6000.',
                'True, but only because the inputs were unscaled.',
            ),
            2,
            (
                'At 0.01 for 6000 steps the sigmoids fit (1.00) while the ReLUs stay at 0.72.',
                'In 1500 steps the sigmoids do worse (median 0.15 against 0.72).',
                'The ledger says the claim holds only at the 1500-step conditions. A verdict like '
                'this needs its budget and learning rate.',
                'Section 5 standardizes the inputs for every row, and the sigmoids still lag at 1500 '
                'steps.',
            ),
        ),
    ],
    "03": [
        Question(
            'With x / 100 and raw y the prediction is a straight sloped line near the mean of y. Why '
            'did training not bend it into a parabola?',
            (
                'The network is too small to represent a parabola.',
                'The output bias grew to the mean of y and the rest of the network stopped learning.',
                "Reaching y's scale left every unit straight over the domain: no kink inside it, so "
                'the sum is a line.',
                'The learning rate was too large and the run diverged.',
            ),
            2,
            (
                'The same network fits the parabola with standardized y (R² 1.00, seed 0), and with '
                'raw x at 4000 steps (1.00 over 3 seeds).',
                'The output bias moved only from 0.00 to 0.35. The level of about 908 came through '
                'the hidden layers, whose outputs reach 107.',
                'With raw y no unit has its kink inside the domain (0% in every layer), against 25%, '
                "100% and 100% with standardized y; the prediction's variance off a straight line is "
                '0.0000.',
                'At 0.001 no weight moved more than 0.75, and nothing diverged. A larger learning '
                'rate that decays (0.1 → 0.001) fits 2 of 3 seeds.',
            ),
        ),
        Question(
            "The source's answer says init std 0.5 rescues the parabola. What did the ledger find?",
            (
                'It holds at both budgets.',
                'It holds at 4000 steps only.',
                'It does not hold while y stays raw; std 0.5 fits only together with a larger '
                'learning rate.',
            ),
            2,
            (
                'At 1000 steps the median is −0.02, 0 of 3 seeds fit.',
                'At 4000 steps the median is −0.00; 1 seed of 3 fits.',
                'The ledger says "does not hold". On the phase map std 0.5 fits in every seed only '
                'with a learning rate of 0.01 or more.',
            ),
        ),
        Question(
            'You scale y to [0, 1], run one seed, and the parabola fits. What do you report?',
            (
                '"Scaling y to [0, 1] rescues the parabola."',
                'Nothing yet: run at least three seeds and state the budget with the verdict.',
                '"It was luck: scaling y to [0, 1] does not help."',
            ),
            1,
            (
                'At 1000 steps it fits in 1 of 3 seeds in the ledger (median −0.00) and 2 of 3 on the'
                ' map; one good seed says little.',
                'The count depends on the seed and the budget: 1 of 3 at 1000 steps, 2 of 3 at 4000.',
                'It does help: 2 of 3 seeds fit at 4000 steps, and on the phase map 7 settings with y'
                ' scaled to [0, 1] fit in every seed.',
            ),
        ),
        Question(
            'The parabola with raw x fails at 1000 steps and fits at 4000. What does "fails" mean '
            'here?',
            (
                'The set-up cannot fit the parabola.',
                'A statement about the budget: the same set-up fits given more steps.',
                'Bad luck with the seed.',
            ),
            1,
            (
                'At 4000 steps the same set-up fits in 3 of 3 seeds (1.00).',
                'The median goes from −0.07 at 1000 steps to 1.00 at 4000. A verdict without its '
                'budget means little.',
                'No seed fits at 1000 steps (0 of 3) and every seed fits at 4000 (3 of 3): it is the '
                'budget, not the seed.',
            ),
        ),
        Question(
            'x / 100, raw y, 1000 steps: which rescues the parabola in every seed on the phase map?',
            (
                'A larger init alone (std 0.5 at lr 0.001).',
                "A larger learning rate alone, at the source's std 0.05.",
                'A larger init together with a larger learning rate (std 0.5 or 2 and lr 0.01 or '
                'more).',
                'Nothing: only scaling y can rescue it.',
            ),
            2,
            (
                'With lr 0.001 no init on the raw-y map fits in every seed; the init alone cannot '
                "reach y's scale in the budget.",
                'At std 0.05 no learning rate fits in every seed with raw y in 1000 steps (with a '
                "decaying 0.1 → 0.001 the ledger's row fits 2 of 3).",
                'The 6 settings that fit in every seed are std 0.5 or 2 with a learning rate of 0.01,'
                " 0.1 or 1: the answer's two fixes at once.",
                'With raw y 6 settings fit in every seed; scaling y moves the region, it is not the '
                'only way.',
            ),
        ),
    ],
    "04": [
        Question(
            'Inputs and targets are both min-max scaled to [0, 1]. Why can a network with a linear '
            'output still predict outside [0, 1]?',
            (
                "Nothing ties a linear output to the targets' range: the loss only asks it to be "
                'close to the data at the training points.',
                'The scaling was fitted on the training points, so the targets on the grid reach '
                'beyond [0, 1].',
                'The network is too deep: more layers push the output further out.',
                'The learning rate is too large, so training overshoots.',
            ),
            0,
            (
                'The indicator is only ever 0 or 1, so its targets span exactly [0, 1], yet the fit '
                'is out of range on 26% of the domain and 98% of the points beyond it.',
                'The indicator takes only the values 0 and 1, in every sample and on every grid. The '
                'targets never leave [0, 1]; the predictions do.',
                'The ledger measures the opposite here. Six layers leave the range less than one does'
                ' (41% against 100% of the points).',
                'The linear head fits (median R² 0.94, three seeds of three) and `diagnose` names '
                'only an overshoot, no divergence. The range is simply not something the loss asks '
                'for.',
            ),
        ),
        Question(
            "Inside the domain, where does the ELU network's fit of the indicator leave [0, 1]?",
            (
                'At the jumps themselves, within 5 units of 40 or 60.',
                'Beside the jumps, 5 to 15 units from one.',
                'Far from the jumps, more than 15 units away.',
                'Nowhere inside the domain, only beyond it.',
            ),
            1,
            (
                'Only 5% of its out-of-range points lie there. At the jumps the fit rounds the step '
                'off, which is where 94% of its squared error is, but it stays in range. (The '
                'tanh-unit network is different: 69% of its overshoot is within 5 units.)',
                '89% of the inside overshoot lies 5 to 15 units from a jump, where the curve, turning'
                ' sharply at the jump, swings past the plateau beside it.',
                'Only 5% of the inside overshoot lies more than 15 units from a jump.',
                "26% of the domain's grid is out of range, beside the jumps.",
            ),
        ),
        Question(
            'A sigmoid head trained with the squared error on 0/1 targets fits the indicator with R² '
            '0.99 and keeps every prediction in range. What is still wrong with it?',
            (
                'Nothing: a good score and no overshoot.',
                'Beyond the domain its predictions can still leave [0, 1].',
                'A confidently wrong sample sends back no gradient, so training could not correct it.',
                'It fits the jumps worse than the linear head does.',
            ),
            2,
            (
                'Its logits keep growing (to 119 after 3000 steps), and only 6% of the samples still '
                'send back any gradient. The score hides that the network can no longer learn from '
                'most samples.',
                'A sigmoid cannot leave (0, 1), in the domain or beyond it: 0% out in every table.',
                'Told that its most confident "1" should be 0, it sends back a gradient of 0 under '
                'the squared error and about 400 under the cross-entropy (one seed). Train it with '
                '`loss="bce"`.',
                'It fits better (median R² 0.99 against 0.94 for the linear head, three seeds).',
            ),
        ),
        Question(
            'Why does a clip inside the model fail on the indicator while a clip after training '
            'works?',
            (
                "A clipped sample's gradient is zero, so once predictions are clipped they stop "
                'teaching the network.',
                'Clipping after training changes what the network learns.',
                'The clip inside the model only needs more steps.',
            ),
            0,
            (
                'After training every sample is clipped and the largest gradient any of them sends is'
                ' 0.0 (one seed), 20% of them at the wrong edge. Median R² −0.25, no seed of three '
                'fits.',
                "A clip after training acts on the predictions only; training is the linear head's. "
                'That is why it scores like the linear head (0.94 for both) and can only raise the '
                'score.',
                'With every sample clipped, no sample sends a gradient (largest 0.0, one seed): more '
                'steps have nothing to follow.',
            ),
        ),
        Question(
            "Which change keeps the indicator's predictions in [0, 1], in the domain and half its "
            'width beyond it?',
            (
                'Weight decay (AdamW).',
                'A deeper network (6×20 instead of 3×20).',
                'A tanh last layer.',
                'A sigmoid last layer.',
            ),
            3,
            (
                'With weight decay 100% of the points are out (the ledger).',
                'Six layers still leave the range on 41% of the points.',
                'Tanh is bounded to (−1, 1), not [0, 1]; it dips below 0 (9% out).',
                '0% out. A sigmoid cannot leave (0, 1); its trouble is saturation, not the range.',
            ),
        ),
    ],
    "05": [
        Question(
            'A fit fails and you do not know why. Which fix should you try first?',
            (
                "The column that cured the most rows of §1's grid: a learning rate of 0.1 decaying to"
                ' 0.001.',
                'The fix that the finding of `au.diagnose` names for this network.',
                'He init: it suits any network.',
                'Standardize y: it rescued the parabola, so it rescues any collapse.',
            ),
            1,
            (
                "It cures four rows, but it turns the saturated sine's 0.66 into 0.17 and does not "
                'cure the indicator. No column cures every row.',
                'For every row but one, the finding points to a column that cures it (saturation to '
                'standardizing x, a collapse with a huge y to standardizing y, and so on). Then check'
                ' over seeds.',
                'He init made two rows worse: the saturated sine (0.29 against 0.66) and the sine at '
                'a learning rate of 1e-5 (−1.16).',
                'The sine at a learning rate of 1.0 also collapses, and only a smaller learning rate '
                "cures it. A collapse has several causes; the finding's evidence tells them apart.",
            ),
        ),
        Question(
            'The sine with inputs in [0, 1000] reaches a median R² of 0.66. Which of these changes '
            'leaves it worse than no fix at all?',
            (
                'Standardize x.',
                'Init std 0.5.',
                'Standardize y.',
            ),
            1,
            (
                'Standardizing x is the one fix that cures this row (median R² at least 0.9).',
                '0.24 against 0.66. Larger weights push z = w x + b even further onto the flat tails;'
                ' He init (0.29) and larger learning rates do the same.',
                'It neither cures this row nor makes it worse; the trouble sits on the input side, '
                'and y is not what saturates the units.',
            ),
        ),
        Question(
            'With standardized inputs, the callback reports `underfit` at epochs 50, 100 and 150. '
            'What should you conclude?',
            (
                'The saturation is still there, hidden from `diagnose`.',
                'No failure mode is measured; the fit is simply not good yet: train longer, or use '
                'more units or layers.',
                'Standardizing was the wrong fix: go back to raw inputs.',
            ),
            1,
            (
                'The raw run reports saturation at every report; the standardized run never does.',
                'An underfit is what `diagnose` reports when none of the failure modes is measured '
                '(R² = 0.14 at epoch 50, one seed), and its fix is exactly that.',
                'With raw inputs 84% of layer 1 sits on a flat tail at epoch 50. Standardizing '
                'removed that; what is left needs more training, not the old inputs.',
            ),
        ),
        Question(
            "Challenge 1's diagnosis names a collapse, saturation and vanishing gradients. You "
            'standardize x only, and the median R² is −1.15. Why?',
            (
                'Each finding needs its own fix: the collapse comes from y, which still reaches about'
                ' 2468 while the outputs start near 0.',
                'Three findings mean the network is too small: it needs more units.',
                'The budget is too short: it only needs more steps.',
            ),
            0,
            (
                'The check names the collapse next, with its fix: standardize y. One change per '
                'finding, at most three changes.',
                "Every finding's evidence is about a scale (x reaching 99.7, y reaching 2468), not "
                "about the network's size.",
                "The collapse's evidence is the size of y, and its fix is to scale y. The step budget"
                ' stays the same in the challenge, and the finding gives no reason to change it.',
            ),
        ),
        Question(
            '§1 counts a fix as a cure when the median R² over three seeds reaches 0.9. What does '
            'that not tell you?',
            (
                'That the fix works at every seed.',
                'That the fix works at this step budget.',
                'That the fix beats no fix on that row.',
            ),
            0,
            (
                'A median of three reaches 0.9 as soon as two seeds do; the third can still fail. Try'
                ' the decaying rate on the parabola in the workbench at seeds 0, 1 and 2.',
                'That is exactly what it measures, at 1000 steps. At another budget the verdict can '
                'change.',
                "A cure's median is at least 0.9, above the no-fix median of every failing row.",
            ),
        ),
    ],
}
