"""A stack's picture (``preflight.graph``) as Graphviz DOT and Mermaid, and the README's copy of one.

Boxes are grouped by component (DOT clusters, Mermaid subgraphs) and ordered by kind and label, edges by kind and
ends, so the same program draws the same text. Kinds have a shape and a colour: data as cylinders, security groups as
hexagons, roles and keys as parallelograms, CIDR blocks as circles; requests as bold arrows, security-group rules in
red with their ports, what a resource uses dashed.

``python -m preflight.drawing --readme README.md GRAPH.mmd`` puts a Mermaid graph into the README between the markers
``<!-- preflight-graph:<stack> -->`` and ``<!-- /preflight-graph:<stack> -->`` (the stack from the file's name).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from preflight.graph import Graph, Node

_KIND_ORDER = {"traffic": 0, "compute": 1, "iam": 2, "data": 3, "sg": 4, "network": 5, "cidr": 6}


def _summary(graph: Graph) -> list[str]:
    c = graph.counts
    lines = [f"{graph.project} {graph.stack}: {c['resources']} resources: {c['drawn']} drawn, {c['counted']} counted, "
             f"{c['rules']} security-group rules as edges, {c['folded']} folded into what they configure, "
             f"{c['components']} components as boxes"]
    if graph.left_out:
        kinds = ", ".join("provider" if t.startswith("pulumi:providers:") else t.split(":")[-1]
                          for t, _ in sorted(graph.left_out.items(), key=lambda kv: (-kv[1], kv[0])))
        lines.append(f"not drawn ({sum(graph.left_out.values())}): {kinds}")
    return lines


def _sorted_nodes(graph: Graph, cluster: str) -> list[Node]:
    nodes = [n for n in graph.nodes.values() if n.cluster == cluster]
    return sorted(nodes, key=lambda n: (_KIND_ORDER.get(n.kind, 9), n.label))


def _children(graph: Graph, cluster: str) -> list[str]:
    return sorted((u for u, c in graph.clusters.items() if c[2] == cluster), key=lambda u: graph.clusters[u][1])


def _edges(graph: Graph) -> list[tuple[Node, Node, str, str]]:
    out = [(graph.nodes[a], graph.nodes[b], style, ", ".join(sorted(labels)))
           for (a, b, style), labels in graph.edges.items()]
    return sorted(out, key=lambda e: ({"traffic": 0, "network": 1, "use": 2}[e[2]], e[0].id, e[1].id))


_MERMAID_SHAPES = {"data": ('[("', '")]'), "sg": ('{{"', '"}}'), "cidr": ('(("', '"))'), "iam": ('[/"', '"/]')}
_MERMAID_CLASSES = {
    "traffic": "fill:#e8f1fb,stroke:#2f6db5", "compute": "fill:#eef7ee,stroke:#3a8a3a",
    "iam": "fill:#fdf3e3,stroke:#b7791f", "data": "fill:#f4ecfb,stroke:#7b4bb0",
    "sg": "fill:#fdecec,stroke:#b53a3a", "network": "fill:#f2f2f2,stroke:#777", "cidr": "fill:#fff,stroke:#b53a3a",
}


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", "<br/>")


def to_mermaid(graph: Graph) -> str:
    lines = ["flowchart LR", *(f"  %% {line}" for line in _summary(graph))]

    def emit(cluster: str, indent: str) -> None:
        for urn in _children(graph, cluster):
            cid, label, _ = graph.clusters[urn]
            lines.append(f'{indent}subgraph {cid}["{_mermaid_text(label)}"]')
            emit(urn, indent + "  ")
            lines.append(f"{indent}end")
        for n in _sorted_nodes(graph, cluster):
            left, right = _MERMAID_SHAPES.get(n.kind, ('["', '"]'))
            lines.append(f"{indent}{n.id}{left}{_mermaid_text(n.label)}{right}")

    emit("", "  ")
    arrows = {"traffic": "==>", "network": "-->", "use": "-.->"}
    network = []
    for i, (a, b, style, label) in enumerate(_edges(graph)):
        arrow = arrows[style]
        lines.append(f'  {a.id} {arrow}|"{_mermaid_text(label)}"| {b.id}' if label else f"  {a.id} {arrow} {b.id}")
        if style == "network":
            network.append(str(i))
    if network:  # security-group rules in red, as in the DOT picture
        lines.append(f"  linkStyle {','.join(network)} stroke:#b53a3a")
    for kind, css in _MERMAID_CLASSES.items():
        members = sorted(n.id for n in graph.nodes.values() if n.kind == kind)
        if members:
            lines += [f"  classDef {kind} {css}", f"  class {','.join(members)} {kind}"]
    return "\n".join(lines) + "\n"


_DOT_SHAPES = {"data": "cylinder", "sg": "hexagon", "cidr": "ellipse", "iam": "parallelogram"}
_DOT_FILL = {"traffic": "#e8f1fb", "compute": "#eef7ee", "iam": "#fdf3e3", "data": "#f4ecfb", "sg": "#fdecec",
             "network": "#f2f2f2", "cidr": "#ffffff"}


def _dot(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph: Graph) -> str:
    lines = [f"// {line}" for line in _summary(graph)]
    lines += [f"digraph {_dot(f'{graph.project} {graph.stack}')} {{",
              '  graph [rankdir=LR, newrank=true, fontname="Helvetica", fontsize=11];',
              '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
              '  edge [fontname="Helvetica", fontsize=9];']

    def emit(cluster: str, indent: str) -> None:
        for urn in _children(graph, cluster):
            cid, label, _ = graph.clusters[urn]
            lines.append(f"{indent}subgraph {_dot('cluster_' + cid)} {{")
            lines.append(f'{indent}  label={_dot(label)}; style="rounded"; color="#999999";')
            emit(urn, indent + "  ")
            lines.append(f"{indent}}}")
        for n in _sorted_nodes(graph, cluster):
            shape = _DOT_SHAPES.get(n.kind, "box")
            lines.append(f'{indent}{_dot(n.id)} [label={_dot(n.label)}, shape={shape}, '
                         f'fillcolor="{_DOT_FILL.get(n.kind, "#ffffff")}"];')

    emit("", "  ")
    styles = {"traffic": "penwidth=2", "network": 'color="#b53a3a"', "use": "style=dashed"}
    for a, b, style, label in _edges(graph):
        attrs = styles[style] + (f", label={_dot(label)}" if label else "")
        lines.append(f"  {_dot(a.id)} -> {_dot(b.id)} [{attrs}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write(graph: Graph, target: Path) -> list[Path]:
    """``target`` a directory: ``<stack>.dot`` and ``<stack>.mmd`` in it; a ``.dot`` or ``.mmd`` file: that one."""
    if target.suffix in (".dot", ".mmd"):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(to_dot(graph) if target.suffix == ".dot" else to_mermaid(graph))
        return [target]
    target.mkdir(parents=True, exist_ok=True)
    paths = [target / f"{graph.stack}.dot", target / f"{graph.stack}.mmd"]
    paths[0].write_text(to_dot(graph))
    paths[1].write_text(to_mermaid(graph))
    return paths


# ---- the README's picture -----------------------------------------------------------------------------------------


def readme_block(stack: str, mermaid: str) -> str:
    return f"<!-- preflight-graph:{stack} -->\n```mermaid\n{mermaid.rstrip()}\n```\n<!-- /preflight-graph:{stack} -->"


def splice(readme: str, stack: str, mermaid: str) -> str:
    """``readme`` with the block between the stack's markers replaced by ``mermaid``."""
    pattern = re.compile(rf"<!-- preflight-graph:{re.escape(stack)} -->.*?<!-- /preflight-graph:{re.escape(stack)} -->",
                         re.DOTALL)
    if not pattern.search(readme):
        raise ValueError(f"no <!-- preflight-graph:{stack} --> ... <!-- /preflight-graph:{stack} --> markers")
    return pattern.sub(lambda _: readme_block(stack, mermaid), readme, count=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m preflight.drawing",
                                     description="Put a stack's Mermaid graph (written by --graph) into a README.")
    parser.add_argument("--readme", type=Path, required=True, help="the Markdown file with the stack's markers")
    parser.add_argument("graph", type=Path, help="<stack>.mmd written by python -m preflight --graph")
    args = parser.parse_args(argv)
    stack = args.graph.stem
    try:
        text = splice(args.readme.read_text(), stack, args.graph.read_text())
    except (OSError, ValueError) as exc:
        print(f"preflight.drawing: {args.readme}: {exc}", file=sys.stderr)
        return 2
    args.readme.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
