/*
 * package-info.java — documentation of the memory package.
 */
/**
 * Tensors and their memory. {@link io.github.gla4j.memory.HostTensor} wraps a native
 * {@link java.lang.foreign.MemorySegment} from an {@link java.lang.foreign.Arena} the caller owns;
 * {@link io.github.gla4j.memory.DeviceTensor} is memory allocated through a {@link io.github.gla4j.memory.Context}
 * (opaque to Java, {@code AutoCloseable}, or grouped in a {@link io.github.gla4j.memory.DeviceArena}). Both are passed
 * to native code by address; copies happen only when the caller asks (copyFrom/copyTo/upload).
 * {@link io.github.gla4j.memory.DType}, {@link io.github.gla4j.memory.Shape}, {@link io.github.gla4j.memory.Device} and
 * {@link io.github.gla4j.memory.BFloat16} (round-to-nearest-even conversion) complete the vocabulary.
 */
package io.github.gla4j.memory;
