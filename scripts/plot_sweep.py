#!/usr/bin/env python3
"""Plots a `qasim sweep` output folder (results.csv, pareto.csv, sweep.meta.yaml).

    scripts/plot_sweep.py DIR [--x OBJ] [--y OBJ] [--out PLOTDIR]

Writes PLOTDIR (default DIR/plots):
  pareto_<x>_vs_<y>.png   every successful point in the (x, y) plane, the 2-D Pareto front of x and y
                          as a step line, and the points of pareto.csv (front over all objectives) ringed
  param_<key>.png         one panel per objective: the objective against each value of the parameter
                          (every point as a dot, the best point per value joined by a line)
  latency_vs_bandwidth.png memory sweeps (base.memtest): the loaded-latency curve, mean and p99 read
                          latency against bandwidth, one line per value of the other varied keys
                          through the values of the last numeric key (e.g. memtest.outstanding)
x and y default to the sweep's first two objectives. Uses only python3, PyYAML and matplotlib (Agg).
Exit codes: 0 ok, 1 nothing to plot (no successful point), 2 bad input.
"""
import argparse
import csv
import math
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
import yaml  # noqa: E402

METRICS = ["cycles", "time_ns", "energy_pj", "area_mm2", "macs", "utilization", "dram_read_bytes",
           "dram_write_bytes", "dram_bw_gbps",
           # memory sweeps (qasim memtest --json)
           "bandwidth_gbps", "mean_read_latency_ns", "p50_read_latency_ns", "p99_read_latency_ns",
           "mean_read_latency_cycles", "p50_read_latency_cycles", "p99_read_latency_cycles", "row_hit_rate",
           "activations_per_request", "dynamic_energy_pj", "background_energy_pj", "elapsed_ns",
           "peak_gbps", "acts", "precharges", "refreshes", "read_bursts", "write_bursts", "row_hits",
           "row_misses", "row_conflicts"]
LABELS = {
    "cycles": "cycles", "time_ns": "time (ns)", "energy_pj": "energy (pJ)", "area_mm2": "area (mm²)",
    "macs": "MACs", "utilization": "utilization", "dram_read_bytes": "DRAM read (bytes)",
    "dram_write_bytes": "DRAM write (bytes)", "dram_bw_gbps": "DRAM bandwidth (GB/s)",
    "bandwidth_gbps": "bandwidth (GB/s)", "mean_read_latency_ns": "mean read latency (ns)",
    "p50_read_latency_ns": "p50 read latency (ns)", "p99_read_latency_ns": "p99 read latency (ns)",
    "row_hit_rate": "row-buffer hit rate", "activations_per_request": "activations per request",
}


def fail(msg, code=2):
    print(f"plot_sweep.py: error: {msg}", file=sys.stderr)
    sys.exit(code)


def read_csv(path):
    try:
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
    except OSError as e:
        fail(f"{path}: cannot be read ({e.strerror})")
    if not rows or rows[0][:1] != ["point"] or rows[0][-2:] != ["status", "report"]:
        fail(f"{path}: not a qasim sweep results file (header point,...,status,report)")
    header = rows[0]
    return header, [dict(zip(header, r)) for r in rows[1:] if len(r) == len(header)]


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def front_2d(points, max_x, max_y):
    """Indices of the points not dominated in (x, y); points = [(x, y, idx)]."""
    sx = -1.0 if max_x else 1.0
    sy = -1.0 if max_y else 1.0
    out = []
    for x, y, i in points:
        dominated = any(sx * x2 <= sx * x and sy * y2 <= sy * y and (sx * x2 < sx * x or sy * y2 < sy * y)
                        for x2, y2, _ in points)
        if not dominated:
            out.append((x, y, i))
    return sorted(out)


def use_log(values):
    pos = [v for v in values if v > 0]
    return len(pos) == len(values) and pos and max(pos) / min(pos) > 100.0


def safe_name(key):
    return re.sub(r"[^A-Za-z0-9_.-]", "_", key).strip("_") or "param"


def main():
    ap = argparse.ArgumentParser(description="Plot a qasim sweep folder (Pareto front and per-parameter effects).")
    ap.add_argument("dir", help="sweep output folder (holds results.csv, pareto.csv, sweep.meta.yaml)")
    ap.add_argument("--x", help="metric on the x axis of the Pareto plot (default: first objective)")
    ap.add_argument("--y", help="metric on the y axis of the Pareto plot (default: second objective)")
    ap.add_argument("--out", help="folder for the PNG files (default DIR/plots)")
    a = ap.parse_args()

    meta_path = os.path.join(a.dir, "sweep.meta.yaml")
    try:
        with open(meta_path) as f:
            meta = yaml.safe_load(f) or {}
    except OSError as e:
        fail(f"{meta_path}: cannot be read ({e.strerror}); is {a.dir} a qasim sweep folder?")
    objectives = [str(o) for o in meta.get("objectives", [])]
    maximize = {o[4:]: True for o in objectives if o.startswith("max:")}
    obj_metrics = [o[4:] if o.startswith(("max:", "min:")) else o for o in objectives]
    name = str(meta.get("name", os.path.basename(os.path.normpath(a.dir))))

    header, rows = read_csv(os.path.join(a.dir, "results.csv"))
    metrics = [h for h in header if h in METRICS]
    keys = header[1:header.index(metrics[0])] if metrics else []
    ok = [r for r in rows if r["status"] == "ok"]
    if not ok:
        fail(f"{a.dir}/results.csv: no successful point to plot ({len(rows)} rows)", 1)
    pareto_ids = set()
    pareto_path = os.path.join(a.dir, "pareto.csv")
    if os.path.exists(pareto_path):
        pareto_ids = {r["point"] for r in read_csv(pareto_path)[1]}

    memory = "bandwidth_gbps" in metrics
    fallback = ("bandwidth_gbps", "mean_read_latency_ns") if memory else ("time_ns", "energy_pj", "area_mm2")
    defaults = obj_metrics + [m for m in fallback if m not in obj_metrics]
    x = a.x or defaults[0]
    y = a.y or next(m for m in defaults if m != x)
    for axis, m in (("--x", x), ("--y", y)):
        if m not in metrics:
            fail(f"{axis} {m}: not a column of results.csv (columns: {', '.join(metrics)})")
    if x == y:
        fail(f"--x and --y are both {x}")

    out = a.out or os.path.join(a.dir, "plots")
    os.makedirs(out, exist_ok=True)
    written = []

    # Pareto front in the (x, y) plane.
    pts = [(number(r[x]), number(r[y]), r["point"]) for r in ok]
    pts = [p for p in pts if p[0] is not None and p[1] is not None]
    fig, ax = plt.subplots(figsize=(7, 5))
    ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=18, color="0.6", label=f"points ({len(pts)})")
    front = front_2d(pts, maximize.get(x, False), maximize.get(y, False))
    ax.step([p[0] for p in front], [p[1] for p in front], where="post", color="tab:red", lw=1.5,
            label=f"2-D front of {x}, {y} ({len(front)})")
    ax.scatter([p[0] for p in front], [p[1] for p in front], s=30, color="tab:red", zorder=3)
    for fx, fy, i in front:
        ax.annotate(i, (fx, fy), textcoords="offset points", xytext=(4, 4), fontsize=7)
    ringed = [p for p in pts if p[2] in pareto_ids]
    if ringed:
        ax.scatter([p[0] for p in ringed], [p[1] for p in ringed], s=90, facecolors="none", edgecolors="tab:blue",
                   label=f"pareto.csv: all objectives ({len(ringed)})")
    if use_log([p[0] for p in pts]):
        ax.set_xscale("log")
    if use_log([p[1] for p in pts]):
        ax.set_yscale("log")
    ax.set_xlabel(LABELS.get(x, x) + (" (max)" if maximize.get(x) else ""))
    ax.set_ylabel(LABELS.get(y, y) + (" (max)" if maximize.get(y) else ""))
    ax.set_title(f"{name}: Pareto front")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = os.path.join(out, f"pareto_{x}_vs_{y}.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    written.append(path)

    # One figure per varied parameter, one panel per objective.
    panels = obj_metrics or [x, y]
    for key in keys:
        values = []
        for r in ok:
            if r[key] not in values:
                values.append(r[key])
        numeric = all(number(v) is not None for v in values)
        if numeric:
            values.sort(key=float)
        pos = {v: i for i, v in enumerate(values)}
        n = len(panels)
        cols = min(3, n)
        nrows = math.ceil(n / cols)
        fig, axes = plt.subplots(nrows, cols, figsize=(4.2 * cols, 3.4 * nrows), squeeze=False)
        for k, m in enumerate(panels):
            ax = axes[k // cols][k % cols]
            xs, ys = [], []
            best = {}
            for r in ok:
                v = number(r.get(m, ""))
                if v is None:
                    continue
                xs.append(pos[r[key]])
                ys.append(v)
                b = best.get(r[key])
                if b is None or (v > b if maximize.get(m) else v < b):
                    best[r[key]] = v
            ax.scatter(xs, ys, s=14, color="0.55", alpha=0.8)
            bx = [pos[v] for v in values if v in best]
            ax.plot(bx, [best[v] for v in values if v in best], "-o", color="tab:red", ms=4,
                    label="best" + (" (max)" if maximize.get(m) else " (min)"))
            ax.set_xticks(range(len(values)))
            ax.set_xticklabels(values, rotation=30 if max(len(v) for v in values) > 6 else 0, fontsize=8)
            if ys and use_log(ys):
                ax.set_yscale("log")
            ax.set_xlabel(key)
            ax.set_ylabel(LABELS.get(m, m))
            ax.grid(True, alpha=0.3)
            ax.legend(fontsize=7)
        for k in range(n, nrows * cols):
            axes[k // cols][k % cols].set_visible(False)
        fig.suptitle(f"{name}: effect of {key}")
        fig.tight_layout()
        path = os.path.join(out, f"param_{safe_name(key)}.png")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)

    if memory and "mean_read_latency_ns" in metrics:
        written.append(plot_loaded_latency(ok, keys, metrics, name, out))

    for p in written:
        print(p)
    return 0


def plot_loaded_latency(ok, keys, metrics, name, out):
    """Mean (solid) and p99 (dashed) read latency against bandwidth: one line per value of the
    other varied keys, through the values of the last numeric key (the load, e.g. outstanding)."""
    load = None
    for key in reversed(keys):
        if all(number(r[key]) is not None for r in ok):
            load = key
            break
    groups = {}
    for r in ok:
        label = ", ".join(f"{k}={r[k]}" for k in keys if k != load)
        groups.setdefault(label, []).append(r)
    fig, ax = plt.subplots(figsize=(7, 5))
    for i, (label, rs) in enumerate(sorted(groups.items())):
        rs.sort(key=lambda r: float(r[load]) if load else float(r["bandwidth_gbps"]))
        color = f"C{i % 10}"
        bw = [float(r["bandwidth_gbps"]) for r in rs]
        ax.plot(bw, [float(r["mean_read_latency_ns"]) for r in rs], "-o", ms=4, color=color,
                label=(label or "mean") + (" (mean)" if label else ""))
        if "p99_read_latency_ns" in metrics:
            ax.plot(bw, [float(r["p99_read_latency_ns"]) for r in rs], "--", color=color, alpha=0.6,
                    label=(label + " (p99)") if label else "p99")
        if load:
            for r, b in zip(rs, bw):
                ax.annotate(r[load], (b, float(r["mean_read_latency_ns"])), textcoords="offset points",
                            xytext=(3, -9), fontsize=6, color=color)
    ax.set_xlabel(LABELS["bandwidth_gbps"])
    ax.set_ylabel("read latency (ns)")
    ax.set_title(f"{name}: loaded latency" + (f" (labels: {load})" if load else ""))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path = os.path.join(out, "latency_vs_bandwidth.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


if __name__ == "__main__":
    sys.exit(main())
