"""Programs writing items of Python lists (tests/compiler/test_list_writes.py): literals, lists
grown by .append, slices, array items written through the list, and loops over a network's layers
of different shapes (unrolled when compiled)."""
import numpy as np


def literal_items(x):
    hs = [x, 2 * x]
    hs[0] = hs[1] * 3
    hs[-1] = np.sin(x)
    return np.sum(hs[0] * hs[1])


def appended_items(x):
    hs = [x]
    for k in range(3):
        hs.append(np.tanh(hs[-1] * 1.5 + k))
    hs[1] = hs[1] * 2
    hs[-1] = hs[0] + 1
    return sum(np.sum(h) for h in hs)


def rewrite_in_loop(x):
    ws = []
    for k in range(4):
        ws.append(x * (k + 1))
    for k in range(4):
        ws[k] = np.cos(ws[k])
    vals = [v * v for v in x]
    for i in range(len(vals)):
        vals[i] = vals[i] + x[0]
    return sum(np.sum(w) for w in ws) + sum(vals)


def normalize_each(x):
    ps = [x[:2], x[2:4]]
    for i, p in enumerate(ps):
        ps[i] = p / np.linalg.norm(p)
    return np.sum(ps[0] * ps[1])


def slices_and_swaps(x):
    hs = [x[0], x[1], x[2]]
    hs[1:2] = [x[3], x[4] * 2, 7.0]
    hs[::2] = [0.5, x[0], x[1]]
    hs[0], hs[2] = hs[2], hs[0]
    return sum(h * (i + 1) for i, h in enumerate(hs))


def layers(x):
    Ws = [np.ones((3, 5)) * 0.1, np.ones((2, 3)) * 0.2]
    bs = [np.zeros(3), np.zeros(2)]
    for l in range(len(Ws)):
        Ws[l] = Ws[l] * x[l]
    h = x
    for l in range(len(Ws)):
        h = np.tanh(Ws[l] @ h + bs[l])
    return np.sum(h)


def array_items(x):
    hs = [np.zeros(3), x * 2.0]
    for i in range(3):
        hs[0][i] = x[i] * 2
    hs[1][2:4] = x[:2] ** 2
    hs[1] += x
    return np.sum(hs[0] * hs[1][:3])


def run_time_item(x):
    ws = []
    for k in range(4):
        ws.append(x * (k + 1))
    j = int(x[0] > 0)
    ws[j] = ws[j] * 10
    return sum(np.sum(w) for w in ws)


# ---- refused, each with a located error
def under_data_if(x):
    hs = [x, x * 2]
    if x[0] > 0:
        hs[0] = x * 3
    return np.sum(hs[0] * hs[1])


def write_ahead(x):
    hs = [x[0], x[1], x[2]]
    for i, h in enumerate(hs):
        if i + 1 < len(hs):
            hs[i + 1] = h * 2
    return hs[0] * hs[1] * hs[2]


def through_alias(x):
    hs = [x, x * 2]
    gs = hs
    gs[0] = x * 10
    return np.sum(hs[0])


def tuple_item(x):
    t = (x, x * 2)
    t[0] = x
    return np.sum(t[0])


def out_of_range(x):
    hs = [x[0], x[1]]
    hs[2] = x[2]
    return hs[0]


def list_of_lists(x):
    grid = [[0.0] * 3 for _ in range(2)]
    grid[1][2] = x[0]
    return sum(sum(r) for r in grid)


def shared_rows(x):
    grid = [[0.0] * 3] * 2  # one row object twice: Python's write changes both rows
    grid[1][2] = x[0]
    return sum(sum(r) for r in grid)


def row_held_by_a_name(x):
    grid = [[0.0, 1.0], [2.0, 3.0]]
    row = grid[0]
    grid[0][1] = x[0]
    return row[1] * x[1]


def helper_changes(ws):
    ws[0] = ws[0] * 2


def through_helper(x):
    hs = [x[0], x[1]]
    helper_changes(hs)
    return hs[0] * hs[1]
