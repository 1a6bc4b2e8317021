/*
 * The safetensors format (https://huggingface.co/docs/safetensors), read zero-copy and written atomically.
 * Tests: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.skip=true
 */

/**
 * Reading and writing safetensors files.
 *
 * <pre>{@code
 * try (Arena arena = Arena.ofShared()) {
 *     SafeTensorsFile f = SafeTensors.open(path, arena);      // header validated, data mapped read-only
 *     SafeTensor w = f.tensor("model.norm.weight");           // dtype, shape, MemorySegment slice (no copy)
 *     float[] values = w.toFloats();                          // F32 / BF16 / F16 → float[]
 * }
 * SafeTensorsWriter.write(path, tensors, Map.of("format", "pt"));            // temp file + fsync + rename
 * ShardedSafeTensors.write(dir, "model.safetensors", tensors, meta, 5L << 30); // shards + index.json
 * }</pre>
 *
 * Malformed input of any kind raises {@link io.github.gla4j.model.safetensors.SafeTensorsException} naming the
 * file and the fault. Tensors live as long as the arena they were mapped into; a confined arena confines them
 * to its thread, a shared one lets any thread read them.
 */
package io.github.gla4j.model.safetensors;
