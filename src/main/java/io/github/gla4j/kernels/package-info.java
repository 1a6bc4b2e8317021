/*
 * package-info.java — documentation of the kernels package.
 */
/**
 * The typed, zero-copy GLA op API: {@link io.github.gla4j.kernels.GlaKernels} (chunk and recurrent forward/backward,
 * decode step, varlen through {@link io.github.gla4j.kernels.Options}), implemented natively by
 * {@link io.github.gla4j.kernels.NativeKernels} (cpu, cuda) and in pure Java by
 * {@link io.github.gla4j.kernels.ReferenceKernels}, the double-precision oracle. Shapes, dtypes and devices are
 * validated in Java before any native call. {@link io.github.gla4j.kernels.Kernels} opens them.
 */
package io.github.gla4j.kernels;
