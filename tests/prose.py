"""Every number in the prose is backed: a set-up value of the notebook's code, or in one of its saved outputs.

The logic behind `test_prose.py` (DESIGN.md, "Teaching truth"). A prose number is backed by a candidate
that rounds to it at the precision it is written with (0.99 by 0.993, 833 by 833.3; 32% also by 0.32); a
negative number needs a negative candidate. Candidates are the code's NUMBER tokens and the numbers in
its strings (never its comments), the formula and domain of every target it names, and the numbers in
its saved stdout and text/plain outputs. INSTRUCTORS.md is read per section against its notebook, and
its explorer move tables are replayed headless (`replay`).

Structural numbers are skipped by these rules (`SKIPPED`), everything else is checked:
- heading numbering: "## 3. The experiment", "### 1. Fit", "## 1 · Scaling";
- list numbering: a line's "1. ", "2. " (a numbered list's markers);
- notebook references: zero-padded 00-09 ("notebook 03", "00 §5", "notebooks 01–04", "[01 · Saturation]"),
  "notebook 3", file names (01_saturation.ipynb, INSTRUCTORS.md), link targets "(...)" and URLs;
- names of parts: "Exercise 2", "Mystery 3", "Challenge 1", "section 4", "sections 2 and 3", "§4",
  "layer 1";
- digits that continue a name are not numbers: relu6, float32, x_train2 (but 4x10 is 4 and 10);
- INSTRUCTORS.md: the first column of a table headed "min" (the lecture's timing).
"""
from __future__ import annotations

import ast
import html
import io
import json
import keyword
import re
import tokenize
from contextlib import ExitStack
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import ipywidgets as w

import approx_utils as au

NUMBER = re.compile(r"(?:(?<![\w)\]}.])[-−]|(?<![\w.])|(?<=\dx))\d+(?:\.\d+)?(?:[eE][-+−]?\d+)?%?")
_REF = r"\d+(?!\.?\d)"  # a whole number that is not the start of a decimal
SKIPPED = {
    "heading numbering": re.compile(r"^#{1,6}[ \t]+\d+(?=\.|[ \t]*·)", re.M),
    "list numbering": re.compile(r"^[ \t]*\d+(?=\.[ \t])", re.M),
    "notebook references": re.compile(
        r"(?<![\w.+\-−])0\d(?:\s*[–-]\s*0\d)?(?![\w.])|\bnotebooks?\s+" + _REF + r"|[\w/.-]+\.(?:ipynb|md|html)\b"
        r"|\]\([^)]*\)|https?://\S+", re.I),
    "names of parts": re.compile(
        r"\b(?:exercises?|myster(?:y|ies)|challenges?|sections?|layers?)\s+" + _REF +
        r"(?:(?:\s*,\s*|\s+and\s+|\s+or\s+|\s*[–-]\s*)" + _REF + r")*|§\s*\d+(?:\.\d+)*", re.I),
}
STRINGS = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}  # an f-string's text, 3.12+
KIND_WORDS = {kind: re.compile(rf"\b(?:{kind}|{kind.replace('_', ' ')})\b") for kind in au.KINDS}
KIND_WORDS["no problems found"] = re.compile(r"\bno problems found\b")


@dataclass(frozen=True)
class Number:
    """A number as written in a text: its text (sign and % included), value and place."""
    text: str
    start: int
    end: int

    @property
    def value(self) -> Decimal:
        return Decimal(self.text.replace("−", "-").rstrip("%"))

    @property
    def percent(self) -> bool:
        return self.text.endswith("%")


def numbers(text: str) -> list[Number]:
    """Every number in a text, structural ones included (outputs and strings are read this way)."""
    return [Number(m.group(), m.start(), m.end()) for m in NUMBER.finditer(text)]


def blank_structural(text: str) -> str:
    """The text with every structural number (`SKIPPED`) replaced by spaces, so places stay the same."""
    chars = list(text)
    for rule in SKIPPED.values():
        for m in rule.finditer(text):
            chars[m.start():m.end()] = " " * (m.end() - m.start())
    return "".join(chars)


def backs(candidate: Decimal, number: Number) -> bool:
    """The candidate rounds to the number at its last written digit (a percent also as a fraction);
    a negative number needs a negative candidate."""
    if number.value.is_signed() and not candidate.is_signed():
        return False
    half = Decimal(5).scaleb(number.value.as_tuple().exponent - 1)
    return abs(candidate - number.value) <= half or (number.percent and abs(100 * candidate - number.value) <= half)


# ---- candidates: what a notebook's code sets up and its outputs show ----------------------------------

def code_numbers(source: str) -> list[Decimal]:
    """NUMBER tokens (with a unary minus) and numbers in STRING tokens, not comments; and the numbers of the
    formula and domain of every target named by a string literal."""
    source = "\n".join("" if line.lstrip()[:1] in ("%", "!") else line for line in source.splitlines())
    found, before = [], [None, None]  # the two significant tokens before this one
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NUMBER:
            unary = before[1] is not None and before[1].string == "-" and (
                before[0] is None or (before[0].type == tokenize.OP and before[0].string not in ")]}")
                or keyword.iskeyword(before[0].string))
            try:
                found.append(Decimal(("-" if unary else "") + tok.string))
            except ArithmeticError:
                pass  # 0x1f, 1j: not numbers prose quotes
        elif tok.type in STRINGS:
            found += [n.value for n in numbers(tok.string)]
            name = _literal(tok.string)
            if name in au.TARGETS:
                target = au.get_target(name)
                found += [n.value for n in numbers(f"{target.formula} {target.domain}")]
        if tok.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            before = [before[1], tok]
    return found


def _literal(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None  # an f-string


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def output_texts(cell: dict) -> list[str]:
    """A code cell's saved stdout and text/plain outputs."""
    return [_text(out["text"]) if out["output_type"] == "stream" else _text(out["data"].get("text/plain", ""))
            for out in cell.get("outputs", [])
            if (out["output_type"] == "stream" and out.get("name") == "stdout")
            or out["output_type"] in ("execute_result", "display_data")]


def candidates(notebook: dict) -> list[Decimal]:
    """Every number a notebook's code sets up or its saved outputs show."""
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    return [v for cell in code for v in code_numbers(_text(cell["source"]))] + \
        [n.value for cell in code for text in output_texts(cell) for n in numbers(text)]


# ---- checking and excusing -------------------------------------------------------------------------

@dataclass(frozen=True)
class Unbacked:
    """A prose number that nothing backs, where it is: file, cell (or line) and the text it is in."""
    file: str
    where: str
    number: Number
    text: str

    def __str__(self) -> str:
        context = self.text[max(0, self.number.start - 30):self.number.end + 30].replace("\n", " ")
        return f"{self.file} {self.where}: {self.number.text} is not backed: …{context}…"


def unbacked(file: str, where: str, text: str, backing: list[Decimal]) -> list[Unbacked]:
    """The numbers of a prose text (structural ones skipped) that no candidate backs."""
    return [Unbacked(file, where, n, text) for n in numbers(blank_structural(text))
            if not any(backs(c, n) for c in backing)]


def covers(exception: dict, found: Unbacked) -> bool:
    """An exception covers a number of its file, written as it says, inside an occurrence of its context."""
    return exception["file"] == found.file and exception["number"] == found.number.text and any(
        m.start() <= found.number.start and found.number.end <= m.end()
        for m in re.finditer(re.escape(exception["context"]), found.text))


def report(file: str, found: list[Unbacked], exceptions: list[dict]) -> list[str]:
    """The numbers no exception covers, and every exception of `file` that covers none (a stale one)."""
    mine = [e for e in exceptions if e["file"] == file]
    left = [str(u) for u in found if not any(covers(e, u) for e in mine)]
    stale = [f"{file}: stale exception: {e['number']!r} in {e['context']!r} covers no unbacked number"
             for e in mine if not any(covers(e, u) for u in found)]
    return left + stale


SELF_CHECK = re.compile(r"""au\.check_yourself\(["'](\d\d)["']\)""")


def self_check_texts(notebook: dict) -> list[tuple[str, str]]:
    """The 'Check yourself' questions a notebook shows (`au.check_yourself("01")`): prose of that notebook,
    though written in the package; each question with its options and whys, by cell and question."""
    texts = []
    for i, cell in enumerate(notebook["cells"]):
        for name in SELF_CHECK.findall(_text(cell["source"])) if cell["cell_type"] == "code" else []:
            for k, q in enumerate(au.selfcheck._questions(name), 1):
                texts.append((f"cell {i} question {k}", "\n".join([q.text, *q.options, *q.why])))
    return texts


def check_notebook(file: str, notebook: dict, exceptions: list[dict]) -> list[str]:
    """Every unbacked number in a notebook's markdown cells (by 0-based cell index) and in the self-check
    questions it shows, less the exceptions."""
    backing = candidates(notebook)
    found = [u for i, cell in enumerate(notebook["cells"]) if cell["cell_type"] == "markdown"
             for u in unbacked(file, f"cell {i}", _text(cell["source"]), backing)]
    found += [u for where, text in self_check_texts(notebook) for u in unbacked(file, where, text, backing)]
    return report(file, found, exceptions)


# ---- INSTRUCTORS.md: sections, move tables, replays -----------------------------------------------

MOVES = re.compile(r"^Explorer moves \(`au\.(\w+\(.*?\))`")


class MoveError(ValueError):
    """A move table that cannot be replayed: the message names its line."""


@dataclass
class MoveTable:
    """An explorer call and its rows: (line number, move cell, panel cell)."""
    line: int
    call: str
    rows: list[tuple[int, str, str]]


@dataclass
class Section:
    """A "## " section of INSTRUCTORS.md: its notebook ("00"; None for the general ones), prose lines, move tables."""
    notebook: str | None
    prose: list[tuple[int, str]]
    tables: list[MoveTable]


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def sections(text: str) -> list[Section]:
    """INSTRUCTORS.md cut at its "## " headings; the first column of a "min" table is blanked (timing)."""
    found = [Section(None, [], [])]
    header = table = None  # the current table's header cells; the move table being read
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("## "):
            heading = re.match(r"## (\d\d) ·", line)
            found.append(Section(heading and heading.group(1), [], []))
        row = line.startswith("|")
        if table is not None and not row and line.strip():  # the first line after a move table
            if not table.rows:
                raise MoveError(f"line {table.line}: an explorer moves line is followed by its table")
            table = None
        first = row and header is None
        header = (_cells(line) if first else header) if row else None
        if table is not None and row:
            if first and header != ["move", "the panel shows"]:
                raise MoveError(f"line {number}: a move table's columns are | move | the panel shows |, not {header}")
            if not first and not set(line) <= set("|-: "):
                move, _, shows = line.strip().strip("|").partition("|")
                table.rows.append((number, move.strip(), shows.strip()))
            continue
        moves = MOVES.match(line)
        if moves:
            table = MoveTable(number, moves.group(1), [])
            found[-1].tables.append(table)
        if row and header[0] == "min":
            end = line.index("|", 1)
            line = line[:1] + " " * (end - 1) + line[end:]
        found[-1].prose.append((number, line))
    return found


def build(call: str) -> au.explorer.Explorer:
    """The explorer of a call such as "scaling_explorer(n_train=128)": keyword literals only, nothing evaluated."""
    node = ast.parse(call, mode="eval").body
    make = getattr(au, node.func.id, None) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) else None
    explorer = make(**{k.arg: ast.literal_eval(k.value) for k in node.keywords}) if make and not node.args else None
    if not isinstance(explorer, au.explorer.Explorer):
        raise MoveError(f"not an explorer built with keyword arguments: au.{call}")
    return explorer


def parse_move(cell: str, controls: dict) -> list[tuple[w.Widget, object]]:
    """"start", or `description = value` pairs joined by commas. A description may hold a comma
    ("y to [0, 1]"), so pairs are cut only where a known description (longest first) and "=" follow one."""
    if cell == "start":
        return []
    by_label = {widget.description: widget for widget in controls.values()}
    labels = "|".join(re.escape(d) for d in sorted(by_label, key=len, reverse=True))
    pairs = list(re.finditer(rf"(?:^|,)\s*({labels})\s*=\s*", cell))
    if not pairs or pairs[0].start() != 0:
        raise MoveError(f"move {cell!r}: no control is called {cell.split('=')[0].strip()!r}; "
                        f"the controls: {', '.join(map(repr, by_label))}")
    ends = [m.start() for m in pairs[1:]] + [len(cell)]
    return [(by_label[m.group(1)], control_value(by_label[m.group(1)], cell[m.end():end].strip()))
            for m, end in zip(pairs, ends)]


def control_value(widget: w.Widget, text: str):
    """The value a move names: on/off, an option's label or str(value), or a number on the slider."""
    if isinstance(widget, w.Checkbox) and text in ("on", "off"):
        return text == "on"
    try:
        number = float(text.replace("−", "-"))
    except ValueError:
        number = None
    if hasattr(widget, "options"):
        for label, value in (o if isinstance(o, tuple) else (str(o), o) for o in widget.options):
            if text in (label, str(value)) or (number is not None and value == number):
                return value
    elif number is not None and hasattr(widget, "min") and widget.min <= number <= widget.max:
        return int(number) if isinstance(widget, w.IntSlider) else number
    raise MoveError(f"{widget.description!r} cannot be set to {text!r}")


def panel(explorer: au.explorer.Explorer) -> str:
    """What a student reads after a move: the message under the figure (its training time left out), the
    figure's titles and legends."""
    message = re.sub(r"<br>|</div>|</li>", "\n", explorer.message.value)
    message = re.sub(r"\([\d.]+ s of training\)", "", message)  # a wall-clock time backs nothing: it varies by run
    texts = [html.unescape(re.sub(r"<[^>]+>", " ", message))]
    for ax in explorer.figure.axes:
        texts += [ax.get_title()] + [t.get_text() for t in (ax.get_legend().get_texts() if ax.get_legend() else [])]
    return "\n".join(texts)


def replay(table: MoveTable) -> list[str]:
    """The panel after each move, moves cumulative from the explorer as built; one build per table."""
    try:
        explorer = build(table.call)
    except (ValueError, SyntaxError, TypeError) as err:  # MoveError is a ValueError
        raise MoveError(f"line {table.line}: {err}") from None
    panels = []
    for line, move, _ in table.rows:
        try:
            pairs = parse_move(move, explorer.controls)
        except MoveError as err:
            raise MoveError(f"line {line}: {err}") from None
        with ExitStack() as held:  # a move of several controls trains once, on its whole setting
            for widget, _ in pairs:
                held.enter_context(widget.hold_trait_notifications())
            for widget, value in pairs:
                widget.value = value
        explorer._frames.clear()  # a setting shown before comes back from its frame, `figure` not redrawn
        explorer.update()
        panels.append(panel(explorer))
    return panels


def missing_words(cell: str, shown: str) -> list[str]:
    """The finding kinds (and "no problems found") a panel cell names but the panel does not show."""
    return [word for word, rule in KIND_WORDS.items() if rule.search(cell) and not rule.search(shown)]


def check_moves(file: str, table: MoveTable, panels: list[str]) -> tuple[list[Unbacked], list[str]]:
    """Each row of a move table against the panel its move showed: every number, every finding kind."""
    found, problems = [], []
    for (line, move, shows), shown in zip(table.rows, panels):
        result = " / ".join(s.strip() for s in shown.splitlines() if s.strip() and not s.lstrip().startswith("showing"))
        where = f"line {line}, after move {move!r} (the panel: {result[:160]})"
        found += unbacked(file, where, shows, [n.value for n in numbers(shown)])
        problems += [f"{file} {where}: {word!r} is not in the panel" for word in missing_words(shows, shown)]
    return found, problems


def check_instructors(path: Path, exceptions: list[dict]) -> list[str]:
    """Every unbacked number of INSTRUCTORS.md and every move whose panel is not what its table says."""
    file, notebooks = path.name, {p.name[:2]: json.loads(p.read_text()) for p in path.parent.glob("[0-9][0-9]_*.ipynb")}
    every = [v for p in path.parent.rglob("*.ipynb") for v in candidates(json.loads(p.read_text()))]
    try:
        parts = sections(path.read_text())
    except MoveError as err:
        return [f"{file} {err}"]
    found, problems = [], [f"{file}: no notebook {s.notebook}_*.ipynb for section {s.notebook}"
                           for s in parts if s.notebook and s.notebook not in notebooks]
    for section in parts:
        backing = candidates(notebooks[section.notebook]) if section.notebook in notebooks else every
        for table in section.tables:
            try:
                panels = replay(table)
            except MoveError as err:
                problems.append(f"{file} {err}")
                continue
            rows_found, rows_problems = check_moves(file, table, panels)
            found, problems = found + rows_found, problems + rows_problems
            backing = backing + [n.value for text in panels + [table.call] for n in numbers(text)]
        found += [u for line, text in section.prose for u in unbacked(file, f"line {line}", text, backing)]
    return report(file, found, exceptions) + problems
