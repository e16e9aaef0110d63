"""The variables panel: what the user's runs created, and a tensor's autograd graph.

Rows come from the kernel's "variables" op (name, type, and for tensors shape,
dtype, requires_grad, grad shape, grad_fn). Moving the cursor onto a tensor
with a grad_fn asks the kernel for its graph ("grad_graph") and shows it as a
Tree: grad_fn -> next_functions ... -> AccumulateGrad of the leaves. Enter
posts VariableOpenRequested so the app can open the object in the explorer.

Nothing is cut at the panel's edge: the table's columns fit its width and its
cells wrap (a row grows taller), the type column shows the class's own name and
the note under the table the full one, wrapped between words or, inside a long
dotted name, after a dot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static, Tree
from textual.widgets.tree import TreeNode

from explorer.core.model import GradGraph, GraphNode, TensorInfo, Variable
from explorer.tui.services.kernel_session import KernelSession
from explorer.tui.workers import WorkerErrors

NO_VARIABLES = "No variables yet: run some code. A tensor with a grad_fn shows its graph here."
GRAPH_EXPAND_DEPTH = 6  # levels opened at once; deeper ones wait for the user
NAME_WIDTH, TYPE_WIDTH, DETAILS_MIN = 14, 14, 10  # the table's column widths (at most, at least)
DETAILS_CAP = 160  # characters of a value in the table (the note shows it whole)
BREAK_AFTER = re.compile(r"(?<=[.,(=/])")  # where a word too long for a line may break


def break_long_words(text: str, width: int) -> str:
    """`text` with a line break inside each word wider than `width` (after a dot, comma,
    bracket or `=`, mid-word only as a last resort); Textual and Rich wrap the rest
    between words themselves, but would cut such a word anywhere."""
    if width <= 0:
        return text
    return "\n".join(
        " ".join(_fold(word, width) for word in line.split(" ")) for line in text.split("\n")
    )


def _fold(word: str, width: int) -> str:
    if cell_len(word) <= width:
        return word
    lines: list[str] = []
    line = ""
    for piece in BREAK_AFTER.split(word):
        if line and cell_len(line + piece) > width:
            lines.append(line)
            line = ""
        line += piece
        while cell_len(line) > width:
            lines.append(line[:width])
            line = line[width:]
    lines.append(line)
    return "\n".join(lines)


class WrappedNote(Static):
    """A Static whose long dotted names break after a dot at its own width."""

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = text

    def set_text(self, text: str) -> None:
        self.text = text
        self._rewrap()

    def on_resize(self, event: events.Resize) -> None:
        self._rewrap()

    def _rewrap(self) -> None:
        self.update(Content(break_long_words(self.text, self.content_size.width)))


def tensor_details(tensor: TensorInfo) -> str:
    """`[4] float32 requires_grad grad [4] grad_fn=MulBackward0`, as the row shows it."""
    parts = [shape_text(tensor.shape), tensor.dtype]
    if tensor.requires_grad:
        parts.append("requires_grad")
    if tensor.grad_shape is not None:
        parts.append(f"grad {shape_text(tensor.grad_shape)}")
    if tensor.grad_fn:
        parts.append(f"grad_fn={tensor.grad_fn}")
    return " ".join(p for p in parts if p)


def shape_text(shape: tuple[int, ...] | None) -> str:
    if shape is None:
        return ""
    return "[" + ", ".join(str(n) for n in shape) + "]"


def variable_details(variable: Variable) -> str:
    if variable.tensor is not None:
        return tensor_details(variable.tensor)
    return variable.error or variable.repr


def short_type(qualified: str) -> str:
    """`torch.distributions.normal.Normal` -> `Normal`: the table's type column."""
    return qualified.rsplit(".", 1)[-1]


def node_label(node: GraphNode) -> Text:
    """Tree labels are Rich Text (Tree needs it); "dim", not a colour, keeps themes intact."""
    label = Text(node.name)
    extra = [node.variable] if node.variable else []
    if node.shape is not None:
        extra.append(shape_text(node.shape))
    if extra:
        label.append("  " + " ".join(extra), style="dim")
    if node.repeat:
        label.append("  (shown above)", style="dim")
    return label


class VariablesPanel(WorkerErrors, Vertical):
    """Variables table on top, the selected tensor's autograd graph below."""

    DEFAULT_CSS = """
    VariablesPanel { height: 1fr; }
    VariablesPanel #variables-table { height: 1fr; min-height: 4; }
    VariablesPanel #note-scroll { height: auto; max-height: 6; }
    VariablesPanel #graph-note { height: auto; color: $text-muted; padding: 0 1; }
    VariablesPanel #graph-tree { height: 1fr; display: none; }
    VariablesPanel.-graph #graph-tree { display: block; }
    """

    BINDINGS = [Binding("o", "open_variable", "Open in explorer", show=False)]

    class VariableOpenRequested(Message):
        """The user wants to look at a kernel variable in the explorer."""

        def __init__(self, name: str, variable: Variable) -> None:
            super().__init__()
            self.name = name
            self.variable = variable

    def __init__(self, session: KernelSession, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.variables: dict[str, Variable] = {}
        self.graph: GradGraph | None = None
        self._laid_out_width = 0

    def compose(self) -> ComposeResult:
        table: DataTable[str] = DataTable(
            id="variables-table", cursor_type="row", zebra_stripes=True
        )
        yield table
        with VerticalScroll(id="note-scroll", can_focus=False):  # a long value scrolls
            yield WrappedNote(NO_VARIABLES, id="graph-note")
        yield Tree("autograd graph", id="graph-tree")

    # ---- data ---------------------------------------------------------------------

    @work(group="variables", exclusive=True, exit_on_error=False)
    async def refresh_variables(self) -> None:
        """Ask the kernel what the runs created (after a run, a reset, a restart)."""
        try:
            variables = await self.session.variables()
        except Exception as exc:  # noqa: BLE001 - a dead kernel shows as a note
            self.show_variables([])
            self._note(f"variables unavailable: {exc}")
            return
        self.show_variables(variables)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._laid_out_width:  # columns fit the new width
            self.show_variables(list(self.variables.values()))

    def show_variables(self, variables: Sequence[Variable]) -> None:
        table: DataTable[str] = self.query_one(DataTable)
        current = self.selected_name
        table.clear(columns=True)
        self.variables = {v.name: v for v in variables}
        name_width, type_width, details_width = self._column_widths()
        table.add_column("name", width=name_width)
        table.add_column("type", width=type_width)
        table.add_column("details", width=details_width)
        for name, variable in self.variables.items():
            details = variable_details(variable)
            if len(details) > DETAILS_CAP:
                details = details[: DETAILS_CAP - 1] + "…"
            details = break_long_words(details, details_width)
            table.add_row(name, short_type(variable.type), details, key=name, height=None)
        if current in self.variables:
            table.move_cursor(row=table.get_row_index(current))
        if not variables:
            self._note(NO_VARIABLES)
            self._show_tree(None)
        elif self.selected_name is not None:
            self._selected(self.selected_name)

    def _column_widths(self) -> tuple[int, int, int]:
        """name and type as wide as their longest value (capped), details the rest."""
        names = [len(name) for name in self.variables] or [4]
        types = [len(short_type(v.type)) for v in self.variables.values()] or [4]
        name_width = min(max(*names, 4), NAME_WIDTH)
        type_width = min(max(*types, 4), TYPE_WIDTH)
        self._laid_out_width = self.size.width
        room = self.content_size.width - 2 - 3 * 2  # the vertical scrollbar, cell padding
        return name_width, type_width, max(DETAILS_MIN, room - name_width - type_width)

    @property
    def selected_name(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.variables or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value is not None:
            self._selected(str(event.row_key.value))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_variable()

    def action_open_variable(self) -> None:
        name = self.selected_name
        if name is not None:
            self.post_message(self.VariableOpenRequested(name, self.variables[name]))

    def _selected(self, name: str) -> None:
        variable = self.variables.get(name)
        if variable is None:
            return
        tensor = variable.tensor
        summary = f"{name}: {variable.type} {variable_details(variable)}"
        if tensor is not None and tensor.grad_fn:
            self._note(f"{summary}\nautograd graph: loading…")
            self.load_graph(name)
            return
        self._show_tree(None)
        if tensor is not None:
            why = (
                "a leaf: gradients accumulate in its .grad"
                if tensor.requires_grad
                else "not tracked by autograd"
            )
            self._note(f"{summary}\nno grad_fn: {why}")
        else:
            self._note(f"{summary}\nEnter opens it in the explorer")

    @work(group="graph", exclusive=True, exit_on_error=False)
    async def load_graph(self, name: str) -> None:
        try:
            graph = await self.session.grad_graph(name)
        except Exception as exc:  # noqa: BLE001 - shown as a note
            self._show_tree(None)
            self._note(f"no graph for {name}: {exc}")
            return
        if self.selected_name == name:
            self.show_graph(graph)

    def show_graph(self, graph: GradGraph) -> None:
        self.graph = graph
        root = graph.root
        if root is None:
            self._show_tree(None)
            self._note(graph.note or "no autograd graph")
            return
        more = " (truncated)" if graph.truncated else ""
        name = graph.target
        variable = self.variables.get(name)
        details = variable_details(variable) if variable is not None else ""
        self._note(f"{name}: {details}\nautograd graph: {graph.nodes} nodes{more}")
        self._show_tree(root)

    def _show_tree(self, root: GraphNode | None) -> None:
        tree = self.query_one(Tree)
        tree.clear()
        self.set_class(root is not None, "-graph")
        if root is None:
            return
        tree.root.set_label(node_label(root))
        _add_children(tree.root, root, depth=1)
        tree.root.expand()

    def _note(self, text: str) -> None:
        self.query_one("#graph-note", WrappedNote).set_text(text)
        self.query_one("#note-scroll").scroll_home(animate=False)

    @property
    def tree_labels(self) -> list[str]:
        """Every node label, depth first (what tests read back)."""
        labels: list[str] = []

        def walk(node: TreeNode[Any]) -> None:
            labels.append(str(node.label))
            for child in node.children:
                walk(child)

        if self.has_class("-graph"):
            walk(self.query_one(Tree).root)
        return labels


def _add_children(parent: TreeNode[Any], node: GraphNode, depth: int) -> None:
    for child in node.children:
        if child.children:
            branch = parent.add(node_label(child), expand=depth < GRAPH_EXPAND_DEPTH)
            _add_children(branch, child, depth + 1)
        else:
            parent.add_leaf(node_label(child))
