/*
 * SafeTensorsRoundTripTest: write → read is bit-identical for every dtype and for scalars and empty tensors;
 * tensors are zero-copy, read-only and naturally aligned; writes are atomic and leave nothing behind.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.skip=true
 */
package io.github.gla4j.model.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsRoundTripTest {
    @TempDir
    Path dir;

    static List<SafeTensor> mixedTensors() {
        SplittableRandom r = new SplittableRandom(1);
        float[] a = new float[3 * 5];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        a[0] = Float.intBitsToFloat(0x7fc00123);   // a NaN payload must survive
        a[1] = -0f;
        long[] ids = {0, 5, -7, Long.MAX_VALUE};
        List<SafeTensor> ts = new ArrayList<>();
        ts.add(SafeTensor.ofFloats("w.f32", SafeTensorsDType.F32, new long[]{3, 5}, a));
        ts.add(SafeTensor.ofFloats("w.bf16", SafeTensorsDType.BF16, new long[]{5, 3}, a));
        ts.add(SafeTensor.ofFloats("w.f16", SafeTensorsDType.F16, new long[]{15}, a));
        ts.add(SafeTensor.ofLongs("ids", SafeTensorsDType.I64, new long[]{2, 2}, ids));
        ts.add(SafeTensor.ofLongs("ids32", SafeTensorsDType.I32, new long[]{3}, new long[]{1, 2, 3}));
        ts.add(SafeTensor.ofFloats("scalar", SafeTensorsDType.F32, new long[]{}, new float[]{2.5f}));
        ts.add(SafeTensor.ofFloats("empty", SafeTensorsDType.F32, new long[]{0, 4}, new float[0]));
        ts.add(SafeTensor.ofFloats("odd.bf16", SafeTensorsDType.BF16, new long[]{1}, new float[]{1f}));
        return ts;
    }

    @Test
    void writeThenReadIsBitIdentical() throws IOException {
        Path file = dir.resolve("t.safetensors");
        List<SafeTensor> written = mixedTensors();
        SafeTensorsWriter.write(file, written, Map.of("format", "pt", "note", "ü"));
        assertEquals(Files.size(file), SafeTensorsWriter.fileSize(written, Map.of("format", "pt", "note", "ü")));
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsFile f = SafeTensors.open(file, arena);
            assertEquals(Map.of("format", "pt", "note", "ü"), f.metadata());
            assertEquals(written.size(), f.names().size());
            for (SafeTensor w : written) {
                SafeTensor t = f.tensor(w.name());
                assertEquals(w, t, w.name());                           // name, dtype, shape and every byte
                assertTrue(t.data().isReadOnly(), "mapped tensors are read-only");
                assertEquals(0, t.data().address() % t.dtype().byteSize(), w.name() + " is naturally aligned");
            }
            assertEquals(0x7fc00123, Float.floatToRawIntBits(f.tensor("w.f32").toFloats()[0]));
            assertArrayEquals(new long[]{0, 5, -7, Long.MAX_VALUE}, f.tensor("ids").toLongs());
            assertEquals(1, f.tensor("scalar").numel());
            assertEquals(0, f.tensor("empty").numel());

            // Writing what was read gives the same bytes again.
            Path again = dir.resolve("again.safetensors");
            SafeTensorsWriter.write(again, f.tensors(), f.metadata());
            assertEquals(-1, Files.mismatch(file, again));
        }
    }

    @Test
    void headerIsPaddedSoDataStartsEightByteAligned() throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafeTensorsWriter.write(file, mixedTensors(), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8);
        assertEquals('{', bytes[8]);
    }

    @Test
    void readsFromMemoryAsFromAFile() throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafeTensorsWriter.write(file, mixedTensors(), Map.of());
        SafeTensorsFile f = SafeTensors.read(MemorySegment.ofArray(Files.readAllBytes(file)), "in-memory");
        for (SafeTensor w : mixedTensors()) {
            assertEquals(w, f.tensor(w.name()));
        }
    }

    @Test
    void emptyFileRoundTrips() throws IOException {
        Path file = dir.resolve("empty.safetensors");
        SafeTensorsWriter.write(file, List.of(), Map.of());
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsFile f = SafeTensors.open(file, arena);
            assertTrue(f.names().isEmpty());
            assertTrue(f.metadata().isEmpty());
        }
    }

    @Test
    void overwriteIsAtomicAndOldMappingsStayValid() throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafeTensorsWriter.write(file, List.of(SafeTensor.ofFloats("x", SafeTensorsDType.F32, new long[]{2}, new float[]{1, 2})), Map.of());
        try (Arena arena = Arena.ofConfined()) {
            SafeTensor old = SafeTensors.open(file, arena).tensor("x");
            SafeTensorsWriter.write(file, List.of(SafeTensor.ofFloats("x", SafeTensorsDType.F32, new long[]{2}, new float[]{3, 4})), Map.of());
            assertArrayEquals(new float[]{1, 2}, old.toFloats());          // the replaced file's data, still mapped
            assertArrayEquals(new float[]{3, 4}, SafeTensors.open(file, arena).tensor("x").toFloats());
        }
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(file), listing.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void failedWriteLeavesTargetUntouched() throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafeTensorsWriter.write(file, List.of(SafeTensor.ofFloats("x", SafeTensorsDType.F32, new long[]{1}, new float[]{1})), Map.of());
        byte[] before = Files.readAllBytes(file);
        assertThrows(IOException.class, () -> AtomicFiles.write(file, ch -> {
            ch.write(ByteBuffer.wrap(new byte[]{1, 2, 3}));
            throw new IOException("disk full");
        }));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count());
        }
    }

    @Test
    void writerRejectsDuplicateNamesAndTensorsRejectWrongSizes() {
        SafeTensor a = SafeTensor.ofFloats("a", SafeTensorsDType.F32, new long[]{1}, new float[]{1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensorsWriter.write(dir.resolve("x.safetensors"), List.of(a, a), Map.of()));
        assertTrue(e.getMessage().contains("duplicate tensor name 'a'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SafeTensor("b", SafeTensorsDType.F32, new long[]{2, 3}, MemorySegment.ofArray(new byte[20])));
        assertTrue(e.getMessage().contains("needs 24 bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new SafeTensor("__metadata__", SafeTensorsDType.F32, new long[]{}, MemorySegment.ofArray(new byte[4])));
        assertThrows(IllegalArgumentException.class,
                () -> new SafeTensor("c", SafeTensorsDType.F32, new long[]{-1}, MemorySegment.ofArray(new byte[0])));
    }

    @Test
    void largeTensorsStreamThroughTheStagingBuffer() throws IOException {
        // Larger than the 1 MiB staging buffer and not a multiple of it.
        int n = (1 << 18) + 12345;
        MemorySegment data = MemorySegment.ofArray(new float[n]);
        for (int i = 0; i < n; i++) {
            data.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, i * 0.5f);
        }
        Path file = dir.resolve("big.safetensors");
        SafeTensorsWriter.write(file, List.of(new SafeTensor("big", SafeTensorsDType.F32, new long[]{n}, data)), Map.of());
        try (Arena arena = Arena.ofConfined()) {
            float[] back = SafeTensors.open(file, arena).tensor("big").toFloats();
            for (int i = 0; i < n; i++) {
                assertEquals(i * 0.5f, back[i]);
            }
        }
    }
}
