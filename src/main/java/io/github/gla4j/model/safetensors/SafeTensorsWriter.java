/*
 * Writing safetensors files atomically. Layout: tensors ordered by element size (largest first), then by name,
 * so that every tensor starts at a multiple of its element size; the header is padded with spaces so the data
 * region starts 8-byte aligned. Tested by SafeTensorsRoundTripTest.
 */
package io.github.gla4j.model.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Serialises tensors to the safetensors format. */
public final class SafeTensorsWriter {
    private SafeTensorsWriter() {
    }

    /**
     * Writes {@code tensors} and {@code metadata} to {@code path}, atomically (temp file, fsync, rename).
     *
     * @throws IllegalArgumentException on duplicate tensor names
     */
    public static void write(Path path, Collection<SafeTensor> tensors, Map<String, String> metadata)
            throws IOException {
        List<SafeTensor> ordered = layoutOrder(tensors);
        byte[] header = header(ordered, metadata);
        AtomicFiles.write(path, ch -> {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            AtomicFiles.writeFully(ch, prefix);
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(header));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment staging = AtomicFiles.allocateStaging(arena);
                for (SafeTensor t : ordered) {
                    AtomicFiles.writeSegment(ch, t.data(), staging);
                }
            }
        });
    }

    /** Total size in bytes of the file {@link #write} would produce. */
    public static long fileSize(Collection<SafeTensor> tensors, Map<String, String> metadata) {
        List<SafeTensor> ordered = layoutOrder(tensors);
        long size = 8 + header(ordered, metadata).length;
        for (SafeTensor t : ordered) {
            size += t.data().byteSize();
        }
        return size;
    }

    private static List<SafeTensor> layoutOrder(Collection<SafeTensor> tensors) {
        Set<String> seen = new HashSet<>();
        for (SafeTensor t : tensors) {
            Objects.requireNonNull(t, "tensor");
            if (!seen.add(t.name())) {
                throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
            }
        }
        List<SafeTensor> ordered = new ArrayList<>(tensors);
        ordered.sort(Comparator.comparingInt((SafeTensor t) -> -t.dtype().byteSize()).thenComparing(SafeTensor::name));
        return ordered;
    }

    private static byte[] header(List<SafeTensor> ordered, Map<String, String> metadata) {
        ObjectNode root = SafeTensors.JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafeTensors.METADATA_KEY);
            metadata.forEach((k, v) -> meta.put(Objects.requireNonNull(k), Objects.requireNonNull(v, "metadata " + k)));
        }
        long offset = 0;
        for (SafeTensor t : ordered) {
            ObjectNode entry = root.putObject(t.name());
            entry.put("dtype", t.dtype().headerName());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long end = offset + t.data().byteSize();
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = SafeTensors.JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serialising a safetensors header failed", e);
        }
        int padded = (json.length + 7) & ~7;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }
}
