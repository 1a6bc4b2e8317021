/*
 * package-info.java — documentation of the ffi package.
 */
/**
 * The lowest layer: loading libgla4j ({@link io.github.gla4j.ffi.NativeLibrary}), the raw FFM bindings of
 * {@code native/include/gla.h} in jextract's shape ({@link io.github.gla4j.ffi.GlaH}, {@code gla_dims},
 * {@code gla_device_info}; regenerate with {@code scripts/jextract.sh}), and status handling
 * ({@link io.github.gla4j.ffi.Gla#check}, {@link io.github.gla4j.ffi.GlaException}).
 * Nothing here knows about tensors; memory and kernels build on it.
 */
package io.github.gla4j.ffi;
