"""Model-level peers of gla4j on the current GPU, for docs/BENCHMARKS.md: training throughput of fla's GLA and of a
Llama of the same size (transformers, SDPA attention) in bf16 autocast with fp32 master weights and AdamW, and the
decoding speed of fla's GLA with its recurrent cache. fla must be importable (a checkout on PYTHONPATH; it is not
part of gla4j). Every number is measured here, in the same device run as gla4j's own `gla bench`.

usage: python3 model_peers.py [--sizes 340M 1.3B] [--batch 8] [--seq-len 2048] [--steps 10] [--out peers.json]
       [--peers gla llama] [--skip-decode]     (--peers: which peers, in that order)"""
import argparse, json, sys, time
import torch

SIZES = {  # the paper's configurations (GUIDE §3): d, layers, GLA heads; Llama: 128-dim heads, the same MLP
    "340M": dict(hidden_size=1024, num_hidden_layers=24, num_heads=4),
    "1.3B": dict(hidden_size=2048, num_hidden_layers=24, num_heads=4),
}


def gla_model(size):
    from fla.models import GLAConfig, GLAForCausalLM
    cfg = GLAConfig(vocab_size=32000, tie_word_embeddings=False, **SIZES[size])
    return GLAForCausalLM(cfg)


def llama_model(size, intermediate):
    from transformers import LlamaConfig, LlamaForCausalLM
    s = SIZES[size]
    cfg = LlamaConfig(vocab_size=32000, hidden_size=s["hidden_size"], num_hidden_layers=s["num_hidden_layers"],
                      num_attention_heads=s["hidden_size"] // 128, intermediate_size=intermediate,
                      tie_word_embeddings=False, attn_implementation="sdpa")
    return LlamaForCausalLM(cfg)


def train_throughput(model, batch, seq_len, steps, warmup=3):
    model = model.cuda()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.95), weight_decay=0.1, fused=True)
    ids = torch.randint(0, 32000, (batch, seq_len), device="cuda")
    torch.cuda.reset_peak_memory_stats()
    times = []
    for s in range(warmup + steps):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        with torch.autocast("cuda", dtype=torch.bfloat16):
            loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        torch.cuda.synchronize()
        if s >= warmup:
            times.append(time.perf_counter() - t0)
    times.sort()
    median = times[len(times) // 2]
    return dict(median_step_ms=median * 1e3, tokens_per_s=batch * seq_len / median,
                peak_gib=torch.cuda.max_memory_allocated() / 2**30,
                parameters=sum(p.numel() for p in model.parameters()), final_loss=float(loss))


@torch.no_grad()
def decode_speed(model, batch, prompt_len, new_tokens):
    model = model.cuda().to(torch.bfloat16).eval()
    ids = torch.randint(0, 32000, (batch, prompt_len), device="cuda")
    out = model(input_ids=ids, use_cache=True)
    cache, nxt = out.past_key_values, out.logits[:, -1:].argmax(-1)
    for _ in range(3):
        out = model(input_ids=nxt, past_key_values=cache, use_cache=True)
        cache, nxt = out.past_key_values, out.logits[:, -1:].argmax(-1)
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(new_tokens):
        out = model(input_ids=nxt, past_key_values=cache, use_cache=True)
        cache, nxt = out.past_key_values, out.logits[:, -1:].argmax(-1)
    torch.cuda.synchronize()
    per_step = (time.perf_counter() - t0) / new_tokens
    return dict(decode_ms_per_step=per_step * 1e3, tokens_per_s=batch / per_step)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="*", default=["340M", "1.3B"])
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq-len", type=int, default=2048)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--out", default="model_peers.json")
    ap.add_argument("--peers", nargs="*", default=["gla", "llama"], choices=["gla", "llama"])
    ap.add_argument("--skip-decode", action="store_true")
    a = ap.parse_args()
    rows = []

    def record(row):
        rows.append(row)
        print(json.dumps(row), flush=True)
        with open(a.out, "w") as f:
            json.dump(rows, f, indent=1)

    def fla_gla(size):
        m = gla_model(size)
        record(dict(peer="fla GLA", size=size, mode="train bf16", batch=a.batch, seq_len=a.seq_len,
                    **train_throughput(m, a.batch, a.seq_len, a.steps)))
        del m
        torch.cuda.empty_cache()
        if not a.skip_decode and size == "340M":
            for b in (1, 64):
                record(dict(peer="fla GLA", size=size, mode="decode bf16", batch=b, prompt_len=512,
                            **decode_speed(gla_model(size), b, 512, 128)))
                torch.cuda.empty_cache()

    def llama(size):
        hidden = SIZES[size]["hidden_size"]  # the Llama gets the GLA's MLP width (GUIDE §3): 2/3 of 4x, to 256s
        intermediate = -(-int(hidden * 4 * 2 / 3) // 256) * 256
        record(dict(peer="Llama (transformers, SDPA)", size=size, mode="train bf16", batch=a.batch,
                    seq_len=a.seq_len, **train_throughput(llama_model(size, intermediate), a.batch, a.seq_len,
                                                          a.steps)))
        torch.cuda.empty_cache()

    for size in a.sizes:
        for peer in a.peers:
            try:
                (fla_gla if peer == "gla" else llama)(size)
            except Exception as e:  # one failing peer must not hide the others
                print(f"{peer} {size}: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
                torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
