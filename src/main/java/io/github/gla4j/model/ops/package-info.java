/*
 * package-info.java — documentation of the model ops package.
 */
/**
 * The operations of the GLA Transformer besides the GLA op itself, and the backend abstraction the layer code runs
 * on. {@link io.github.gla4j.model.ops.Ops} is what a backend provides; {@link io.github.gla4j.model.ops.CpuOps}
 * implements it on host memory with the Java kernels here, one op per class, forward and backward side by side:
 * {@link io.github.gla4j.model.ops.Gemm} (the three products of a linear layer, cache-blocked and multi-threaded),
 * {@link io.github.gla4j.model.ops.RmsNorm}, {@link io.github.gla4j.model.ops.GatedRmsNorm},
 * {@link io.github.gla4j.model.ops.SwiGlu}, {@link io.github.gla4j.model.ops.LogSigmoidGate},
 * {@link io.github.gla4j.model.ops.RepeatHeads}, {@link io.github.gla4j.model.ops.Embedding},
 * {@link io.github.gla4j.model.ops.CrossEntropy} (fused with its gradient) and
 * {@link io.github.gla4j.model.ops.Elementwise}. All fp32; reductions in a fixed order, so results do not depend on
 * the number of threads. Each is tested against a plain double-precision reference whose backward is checked by
 * finite differences.
 */
package io.github.gla4j.model.ops;
