"""ONNX Runtime yardstick for `qabilet bench embed`.

The benchmark compares our candle encoder with ONNX Runtime running the same
weights. To keep that comparison honest and offline, this script does not
export anything through torch or fetch a model from a hub: it reads the model
folder's own `config.json` and `model.safetensors` and writes the BERT /
XLM-RoBERTa encoder as an ONNX graph itself, node by node (`model-fp32.onnx`),
then lets ONNX Runtime's dynamic quantiser derive `model-int8.onnx` from it.

Token ids come from the Rust side, already cut into windows with their
special tokens, so both engines see identical inputs. For each engine the
passages are embedded the way `EmbeddingModel` does it (length-sorted batches
under a token budget, mean pooling, windows averaged by content-token count,
L2 norm), timed as a whole, and the query is timed alone `reps` times.

    ort_yardstick.py --model DIR --input FILE --out FILE --work DIR

Input JSON: {"passages": [[[ids...], ...], ...], "query": [[ids...], ...],
"reps": N, "batch_token_budget": 4096, "threads": 2}, optionally "sentences"
(more texts, embedded untimed). Output JSON: {"onnxruntime_version": ...,
"engines": {"fp32": {"passages_per_sec", "cpu_seconds", "query_p50_ms",
"vectors", "query_vector", "sentence_vectors"}, "int8": {...}}}.
Progress goes to stderr; stdout stays empty.

Run it through `scripts/ort-yardstick`, which provides pinned onnxruntime,
onnx, numpy and safetensors in a venv.
"""

import argparse
import hashlib
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from onnxruntime.quantization import QuantType, quantize_dynamic
from safetensors.numpy import load_file

# LayerNormalization is a standard op from opset 17 on.
OPSET = 17
# A protobuf cannot exceed 2 GiB; stay clear of it, external data beyond.
PROTOBUF_SAFE_BYTES = 1_900_000_000
# The additive mask is (mask - 1) * this: 0 for tokens, -1e9 for pads, whose
# softmax weight is then exactly 0 in f32 (and an all-pad row stays finite).
MASK_SCALE = 1e9
# Each window carries one leading and one trailing special token.
SPECIALS_PER_WINDOW = 2


def log(message):
    print(f"ort-yardstick: {message}", file=sys.stderr, flush=True)


def read_config(model_dir):
    """Reads config.json and checks it is the encoder this script can build."""
    cfg = json.loads((model_dir / "config.json").read_text())
    # Same rule as the Rust loader: XLM-R offsets position ids past the pad id.
    family = cfg.get("model_type")
    if family == "bert":
        cfg["position_offset"] = 0
    elif family in ("xlm-roberta", "roberta"):
        cfg["position_offset"] = cfg.get("pad_token_id", 0) + 1
    else:
        sys.exit(f"ort-yardstick: unsupported model_type {family!r}")
    if cfg.get("position_embedding_type", "absolute") != "absolute":
        sys.exit("ort-yardstick: only absolute position embeddings are supported")
    if cfg.get("hidden_act", "gelu") != "gelu":
        sys.exit(f"ort-yardstick: hidden_act {cfg['hidden_act']!r} is not built (only gelu)")
    cfg.setdefault("layer_norm_eps", 1e-12)
    cfg.setdefault("pad_token_id", 0)
    return cfg


def load_weights(path):
    """Returns name -> f32 array, with any task-head prefix (`bert.` ...) removed."""
    tensors = load_file(str(path))
    anchor = "embeddings.word_embeddings.weight"
    prefixes = [k[: -len(anchor)] for k in tensors if k.endswith(anchor)]
    if len(prefixes) != 1:
        sys.exit(f"ort-yardstick: no single {anchor} in {path}")
    p = prefixes[0]
    return {k[len(p):]: v.astype(np.float32, copy=False) for k, v in tensors.items()
            if k.startswith(p)}


class Graph:
    """Collects nodes and initializers; every op gets a fresh output name."""

    def __init__(self, weights):
        self.weights = weights
        self.nodes, self.inits, self.names, self.count = [], [], set(), 0

    def const(self, name, array):  # a name is added once, however often asked for
        if name not in self.names:
            self.names.add(name)
            self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def weight(self, name, transpose=False):
        w = self.weights[name]
        return self.const(name, w.T if transpose else w)

    def op(self, op_type, inputs, out=None, **attrs):
        self.count += 1
        out = out or f"{op_type}_{self.count}"
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=out, **attrs))
        return out


def build_fp32(cfg, weights, path):
    """Writes the encoder as plain ONNX ops; ORT's optimiser does any fusing."""
    h, n_heads = cfg["hidden_size"], cfg["num_attention_heads"]
    eps = float(cfg["layer_norm_eps"])
    g = Graph(weights)
    f32 = lambda v: np.array(v, np.float32)
    i64 = lambda v: np.array(v, np.int64)
    one_f, half_f = g.const("one_f", f32(1.0)), g.const("half_f", f32(0.5))
    split_heads = g.const("split_heads", i64([0, 0, n_heads, h // n_heads]))
    merge_heads = g.const("merge_heads", i64([0, 0, h]))
    sqrt_head = g.const("sqrt_head_dim", f32(math.sqrt(h // n_heads)))

    def linear(x, name):  # HF Linear keeps (out, in); MatMul wants (in, out).
        y = g.op("MatMul", [x, g.weight(name + ".weight", transpose=True)])
        return g.op("Add", [y, g.weight(name + ".bias")])

    def layer_norm(x, name):
        return g.op("LayerNormalization",
                    [x, g.weight(name + ".weight"), g.weight(name + ".bias")],
                    axis=-1, epsilon=eps)

    def gelu(x):  # exact, as BERT's "gelu": 0.5 * x * (1 + erf(x / sqrt 2))
        e = g.op("Erf", [g.op("Div", [x, g.const("sqrt2", f32(math.sqrt(2)))])])
        return g.op("Mul", [g.op("Mul", [x, g.op("Add", [e, one_f])]), half_f])

    def project_heads(x, name, perm):  # (b, s, h) -> (b, heads, s, d), or (b, heads, d, s)
        y = g.op("Reshape", [linear(x, name), split_heads])
        return g.op("Transpose", [y], perm=perm)

    # Embeddings: word + position (offset .. offset+seq) + token type 0.
    # Position ids are a cumulative sum of ones shaped like input_ids rather than
    # a Slice of the table: shape inference then keeps the (batch, seq) dims
    # symbolic all the way down, which ORT needs to fuse SkipLayerNormalization.
    words = g.op("Gather", [g.weight("embeddings.word_embeddings.weight"), "input_ids"])
    ones = g.op("Add", [g.op("Mul", ["input_ids", g.const("zero_i", i64(0))]),
                        g.const("one_i", i64(1))])
    pos_ids = g.op("Add", [g.op("CumSum", [ones, g.const("axis1", i64(1))]),
                           g.const("pos_start", i64(cfg["position_offset"] - 1))])
    positions = g.op("Gather", [g.weight("embeddings.position_embeddings.weight"), pos_ids])
    type0 = g.const("token_type_0", weights["embeddings.token_type_embeddings.weight"][0])
    x = g.op("Add", [g.op("Add", [words, positions]), type0])
    x = layer_norm(x, "embeddings.LayerNorm")

    # Additive mask, broadcast over heads and queries as (batch, 1, 1, seq).
    mask = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    mask = g.op("Mul", [g.op("Sub", [mask, one_f]), g.const("mask_scale", f32(MASK_SCALE))])
    mask = g.op("Unsqueeze", [mask, g.const("axes12", i64([1, 2]))])

    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        q = project_heads(x, p + "attention.self.query", [0, 2, 1, 3])
        k = project_heads(x, p + "attention.self.key", [0, 2, 3, 1])
        v = project_heads(x, p + "attention.self.value", [0, 2, 1, 3])
        scores = g.op("Add", [g.op("Div", [g.op("MatMul", [q, k]), sqrt_head]), mask])
        context = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
        context = g.op("Reshape", [g.op("Transpose", [context], perm=[0, 2, 1, 3]), merge_heads])
        attn = linear(context, p + "attention.output.dense")
        x = layer_norm(g.op("Add", [attn, x]), p + "attention.output.LayerNorm")
        ffn = linear(gelu(linear(x, p + "intermediate.dense")), p + "output.dense")
        x = layer_norm(g.op("Add", [ffn, x]), p + "output.LayerNorm")
    g.op("Identity", [x], out="last_hidden_state")

    ids = lambda n: helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "seq"])
    graph = helper.make_graph(
        g.nodes, "qabilet_encoder", [ids("input_ids"), ids("attention_mask")],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT,
                                       ["batch", "seq", h])], g.inits)
    model = helper.make_model(graph, producer_name="qabilet-ort-yardstick",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8  # the IR that introduced opset 17; any ORT reads it
    big = sum(t.ByteSize() for t in g.inits) > PROTOBUF_SAFE_BYTES

    def write(tmp):
        onnx.save_model(model, tmp, save_as_external_data=big,
                        all_tensors_to_one_file=True, location=path.name + ".data")
        onnx.checker.check_model(tmp)  # by path: works past 2 GiB too

    save_atomically(path, write)


def save_atomically(path, write):
    """An interrupted build must not leave a file that looks fresh next time."""
    tmp = path.with_name(path.name + ".partial")
    write(str(tmp))
    os.replace(tmp, path)


def fresh(path, *sources):
    return path.exists() and all(path.stat().st_mtime >= s.stat().st_mtime for s in sources)


def build_graphs(model_dir, cfg, work):
    work.mkdir(parents=True, exist_ok=True)
    weights_path = model_dir / "model.safetensors"
    sources = [weights_path, model_dir / "config.json"]
    fp32, int8 = work / "model-fp32.onnx", work / "model-int8.onnx"
    # A changed graph builder must rebuild too. The caller may rewrite this
    # script on every run, so its mtime says nothing: a hash of its text does.
    stamp = work / "builder.sha256"
    builder = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    same_builder = stamp.exists() and stamp.read_text().strip() == builder
    if not (same_builder and fresh(fp32, *sources)):
        log(f"building {fp32}")
        build_fp32(cfg, load_weights(weights_path), fp32)
    if not (same_builder and fresh(int8, fp32, *sources)):
        log(f"quantising {int8}")
        big = (work / "model-fp32.onnx.data").exists()  # fp32 needed external data
        save_atomically(int8, lambda tmp: quantize_dynamic(
            str(fp32), tmp, weight_type=QuantType.QInt8, per_channel=True,
            use_external_data_format=big))
    stamp.write_text(builder + "\n")
    return {"fp32": fp32, "int8": int8}


def session(path, threads):
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def embed(sess, texts, pad_id, budget):
    """One vector per text, computed exactly as EmbeddingModel::embed_with_prefix."""
    windows = [(t, w) for t, text in enumerate(texts) for w in text]
    windows.sort(key=lambda tw: len(tw[1]))  # stable, like Rust's sort_by_key
    sums, weights = None, np.zeros(len(texts))
    start = 0
    while start < len(windows):
        end = start + 1  # the same greedy rule as the Rust loop
        while end < len(windows) and (end + 1 - start) * len(windows[end][1]) <= budget:
            end += 1
        batch = windows[start:end]
        seq = max(len(w) for _, w in batch)
        ids = np.full((len(batch), seq), pad_id, np.int64)
        mask = np.zeros((len(batch), seq), np.int64)
        for row, (_, w) in enumerate(batch):
            ids[row, :len(w)], mask[row, :len(w)] = w, 1
        hidden = sess.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / m.sum(axis=1)
        if sums is None:
            sums = np.zeros((len(texts), pooled.shape[1]))
        for (t, w), v in zip(batch, pooled):
            weight = max(len(w) - SPECIALS_PER_WINDOW, 1)
            sums[t] += weight * v
            weights[t] += weight
        start = end
    vectors = sums / weights[:, None]
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def check_input(job, cfg):
    job.setdefault("sentences", [])
    texts = job["passages"] + job["sentences"] + [job["query"]]
    if not job["passages"] or any(not t or not all(t) for t in texts):
        sys.exit("ort-yardstick: every text needs at least one non-empty window")
    longest = max(len(w) for text in texts for w in text)
    if longest + cfg["position_offset"] > cfg["max_position_embeddings"]:
        sys.exit(f"ort-yardstick: a {longest}-token window exceeds the position table")
    job.setdefault("reps", 20)
    job.setdefault("batch_token_budget", 4096)
    job["threads"] = job.get("threads") or os.cpu_count()
    if job["reps"] < 1:
        sys.exit("ort-yardstick: reps must be at least 1")


def run_engine(path, job, cfg):
    threads, budget = job["threads"], job["batch_token_budget"]
    pad, passages, query = cfg["pad_token_id"], job["passages"], job["query"]
    sess = session(path, threads)
    embed(sess, [query], pad, budget)  # warm-up: first run allocates and plans
    wall, cpu = time.perf_counter(), time.process_time()
    vectors = embed(sess, passages, pad, budget)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    times = []
    for _ in range(job["reps"]):
        t = time.perf_counter()
        query_vector = embed(sess, [query], pad, budget)[0]
        times.append(time.perf_counter() - t)
    sentences = embed(sess, job["sentences"], pad, budget).tolist() if job["sentences"] else []
    return {
        "passages_per_sec": len(passages) / wall,
        "cpu_seconds": cpu,
        "query_p50_ms": statistics.median(times) * 1000,
        "vectors": vectors.tolist(),
        "query_vector": query_vector.tolist(),
        "sentence_vectors": sentences,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", type=Path, required=True, help="HF BERT/XLM-R folder")
    ap.add_argument("--input", type=Path, required=True, help="token-id job (JSON)")
    ap.add_argument("--out", type=Path, required=True, help="results (JSON)")
    ap.add_argument("--work", type=Path, required=True, help="where the graphs are kept")
    args = ap.parse_args()

    cfg = read_config(args.model)
    job = json.loads(args.input.read_text())
    check_input(job, cfg)
    graphs = build_graphs(args.model, cfg, args.work)
    engines = {}
    for name, path in graphs.items():
        log(f"{name}: {len(job['passages'])} passages, query x{job['reps']}")
        engines[name] = run_engine(path, job, cfg)
        log(f"{name}: {engines[name]['passages_per_sec']:.1f} passages/s, "
            f"query p50 {engines[name]['query_p50_ms']:.2f} ms")
    result = {"onnxruntime_version": ort.__version__, "engines": engines}
    save_atomically(args.out, lambda tmp: Path(tmp).write_text(json.dumps(result)))


if __name__ == "__main__":
    main()
