"""The house plan, checked: no import circle among the service's modules, and no arrow in a forbidden
direction (DESIGN.md "Layout"). Imports inside functions count too: a lazy import is still a dependency."""

import ast
import pathlib
from collections import defaultdict

import pytest

SERVICE = pathlib.Path(__file__).resolve().parents[2] / "service"
CHANNELS_AND_EDGES = {"wechat", "chat", "handoffs", "web", "notify", "county", "ops", "devtools"}
# room -> rooms it must never import
FORBIDDEN = {
    "intake": CHANNELS_AND_EDGES,
    "auth": CHANNELS_AND_EDGES | {"intake"},
    "nlp": CHANNELS_AND_EDGES | {"intake", "auth"},
    "wechat": {"chat", "handoffs", "web", "notify", "county", "devtools"},  # the protocol only
    "chat": {"web", "devtools"},
    "handoffs": {"chat", "web", "devtools"},
    "notify": {"chat", "handoffs", "web", "county", "devtools"},
    "county": {"chat", "handoffs", "web", "devtools"},
    "web": {"devtools"},
    "ops": {"devtools"},
}
# the composition root and what it alone may wire together
COMPOSITION = {"service", "service.config", "service.housekeeping"}


def _modules() -> dict[str, pathlib.Path]:
    found = {}
    for path in SERVICE.rglob("*.py"):
        parts = path.relative_to(SERVICE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(name: str, path: pathlib.Path, modules: dict) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.add(full if full in modules else base)
    return {t for t in targets if t in modules and t != name}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _room(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and (SERVICE / parts[1]).is_dir():
        return parts[1]
    return "(composition)" if module in COMPOSITION else "(base)"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]

    def visit(root):
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_the_walker_sees_real_imports(graph):
    assert "service.intake.workflow" in graph["service.intake.services"]
    assert "service.unit_of_work" in graph["service.intake.services"]
    assert "service.chat.turn" in graph["service"]  # a lazy import inside create_app counts


def test_the_cycle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circle(graph):
    assert _cycles(graph) == []


def test_no_arrow_points_the_forbidden_way(graph):
    wrong = sorted(f"{source} -> {target}" for source, targets in graph.items() for target in targets
                   if _room(target) in FORBIDDEN.get(_room(source), ()))
    assert wrong == []


def test_base_modules_import_no_room(graph):
    # errors, extensions, clock, unit of work, ...: everything may use them, so they may use nothing above
    wrong = sorted(f"{source} -> {target}" for source, targets in graph.items() if _room(source) == "(base)"
                   for target in targets if _room(target) not in ("(base)",))
    assert wrong == []


def test_production_code_never_imports_the_development_tools(graph):
    users = sorted(source for source, targets in graph.items() if _room(source) != "devtools"
                   for target in targets if _room(target) == "devtools")
    assert users == []


def test_rooms_point_one_way(graph):
    arrows = defaultdict(set)
    for source, targets in graph.items():
        for target in targets:
            rooms = (_room(source), _room(target))
            if rooms[0] != rooms[1] and "(composition)" not in rooms and "devtools" not in rooms:
                arrows[rooms[0]].add(rooms[1])
    assert _cycles({room: arrows.get(room, set()) for room in {*arrows, *(r for t in arrows.values() for r in t)}}) == []


def test_only_the_root_wires_the_rooms_together(graph):
    # create_app and the housekeeping sweep compose rooms; a room importing them would import every room
    wiring = {"service", "service.housekeeping"}
    users = sorted(f"{source} -> {target}" for source, targets in graph.items() for target in targets
                   if target in wiring and _room(source) not in ("(composition)", "devtools"))
    assert users == []


def test_the_notices_reach_wechat_only_through_the_adapters_the_root_builds(graph):
    adapters = {"service.notify.adapters", "service.notify.wechat_sender", "service.notify.token_store"}
    users = sorted(source for source, targets in graph.items() if _room(source) == "notify" and source not in adapters
                   for target in targets if _room(target) == "wechat")
    assert users == []
