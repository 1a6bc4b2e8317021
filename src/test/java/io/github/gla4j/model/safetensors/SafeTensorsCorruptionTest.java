/*
 * SafeTensorsCorruptionTest: every malformed file is refused with a SafeTensorsException whose message says what
 * is wrong — truncation at every length, header lengths past the end, bad JSON, bad UTF-8, unknown dtypes, wrong
 * byte counts, out-of-range / overlapping / gapped offsets, duplicate names, bad metadata — and random byte
 * corruption never produces any other exception. Run: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.skip=true
 */
package io.github.gla4j.model.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsCorruptionTest {
    @TempDir
    Path dir;

    /** A file: 8-byte little-endian {@code headerLength}, the header bytes, {@code dataBytes} zero bytes. */
    static byte[] file(long headerLength, byte[] header, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(header);
        return b.array();
    }

    static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return file(h.length, h, dataBytes);
    }

    /** Opens {@code bytes} both from disk and from memory; both must fail with a message containing {@code expected}. */
    void assertRejected(byte[] bytes, String expected) throws IOException {
        Path p = dir.resolve("bad.safetensors");
        Files.write(p, bytes);
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(p, arena));
            assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
            assertTrue(e.getMessage().startsWith(p.toString()), "the message names the file: " + e.getMessage());
        }
        SafeTensorsException e = assertThrows(SafeTensorsException.class,
                () -> SafeTensors.read(MemorySegment.ofArray(bytes), "mem"));
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    static final String ONE = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";

    @Test
    void validBaseline() {
        assertDoesNotThrow(() -> SafeTensors.read(MemorySegment.ofArray(file(ONE, 16)), "mem"));
    }

    @Test
    void tooShortForTheHeaderLength() throws IOException {
        assertRejected(new byte[0], "too short for the 8-byte header length");
        assertRejected(new byte[7], "too short for the 8-byte header length");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        byte[] h = ONE.getBytes(StandardCharsets.UTF_8);
        assertRejected(file(h.length + 17, h, 16), "runs beyond the end of the file");
        assertRejected(file(-1L, h, 16), "header length 18446744073709551615 runs beyond the end of the file");
        assertRejected(file(Long.MAX_VALUE, h, 16), "runs beyond the end of the file");
    }

    @Test
    void truncatedAtEveryLength() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafeTensorsWriter.write(good, SafeTensorsRoundTripTest.mixedTensors(), Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(good);
        for (int len = 0; len < bytes.length; len++) {
            byte[] cut = Arrays.copyOf(bytes, len);
            int n = len;
            assertThrows(SafeTensorsException.class, () -> SafeTensors.read(MemorySegment.ofArray(cut), "cut"),
                    () -> "a file truncated to " + n + " of " + bytes.length + " bytes was accepted");
        }
        // And from disk, a truncation inside the data region names the shortfall.
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 3));
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(cut, arena));
            assertTrue(e.getMessage().contains("beyond the data region"), e.getMessage());
        }
    }

    @Test
    void headerIsNotJsonOrNotUtf8OrNotAnObject() throws IOException {
        assertRejected(file("{\"a\": {\"dtype\": ", 0), "header is not valid JSON");
        assertRejected(file("{} trailing", 0), "header is not valid JSON");
        assertRejected(file("[1, 2, 3]", 0), "header is not a JSON object");
        assertRejected(file("\"text\"", 0), "header is not a JSON object");
        byte[] badUtf8 = {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'};
        assertRejected(file(badUtf8.length, badUtf8, 0), "header is not valid UTF-8");
        assertRejected(file(1, new byte[]{'{'}, 0), "too short for a JSON object");
    }

    @Test
    void duplicateTensorNames() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertRejected(file(h, 8), "Duplicate field 'a'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "F64|unsupported dtype 'F64'",
            "Q4_K|unsupported dtype 'Q4_K'",
            "f32|unsupported dtype 'f32'",
            "''|unsupported dtype ''"})
    void unknownDtype(String dtype, String expected) throws IOException {
        assertRejected(file("{\"a\":{\"dtype\":\"" + dtype + "\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), expected);
    }

    @Test
    void wrongByteCounts() throws IOException {
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 12),
                "needs 16 bytes but data_offsets [0, 12] hold 12");
        assertRejected(file("{\"a\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,12]}}", 12),
                "needs 6 bytes");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,16]}}", 16),
                "overflows a 64-bit byte count");
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8),
                "run beyond the data region (8 bytes)");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", 8),
                "end before they begin");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 8),
                "data_offsets[0] = -4 is not a non-negative 64-bit integer");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999999]}}", 8),
                "is not a non-negative 64-bit integer");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8),
                "data_offsets must be [begin, end]");
    }

    @Test
    void overlappingGappedOrIncompleteOffsets() throws IOException {
        String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertRejected(file(overlap, 12), "tensor 'b' data_offsets [4, 12] overlap tensor 'a' [0, 8]");
        String same = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertRejected(file(same, 8), "overlap");
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertRejected(file(gap, 12), "data bytes [4, 8) belong to no tensor");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8),
                "data region has 8 bytes but the tensors cover 4");
        assertRejected(file("{}", 4), "data region has 4 bytes but the tensors cover 0");
    }

    @Test
    void malformedEntries() throws IOException {
        assertRejected(file("{\"a\":[1,2]}", 0), "tensor 'a': entry must be a JSON object");
        assertRejected(file("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "missing or non-string 'dtype'");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "missing or non-array 'shape'");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "missing or non-array 'data_offsets'");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4),
                "shape[0] = 1.5 is not a non-negative 64-bit integer");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "shape[0] = -1");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", 4), "shape[0] = \"1\"");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}", 4),
                "unexpected key 'extra'");
        assertRejected(file("{\"\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "empty name");
    }

    @Test
    void malformedMetadata() throws IOException {
        assertRejected(file("{\"__metadata__\":{\"format\":1}}", 0), "__metadata__['format'] must be a string");
        assertRejected(file("{\"__metadata__\":{\"format\":null}}", 0), "must be a string");
        assertRejected(file("{\"__metadata__\":[\"pt\"]}", 0), "__metadata__ must be a JSON object of strings");
    }

    private static final String JSON_CHARS = "{}[],:\"0123456789-.e";

    @Test
    void randomCorruptionOnlyEverRaisesSafeTensorsException() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafeTensorsWriter.write(good, SafeTensorsRoundTripTest.mixedTensors(), Map.of("format", "pt"));
        byte[] original = Files.readAllBytes(good);
        long headerEnd = 8 + ByteBuffer.wrap(original, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        SplittableRandom r = new SplittableRandom(2024);
        int accepted = 0;
        for (int trial = 0; trial < 5000; trial++) {
            byte[] bytes = original.clone();
            int flips = 1 + r.nextInt(3);
            for (int f = 0; f < flips; f++) {
                // Mostly inside the length and header, where corruption is interesting.
                int at = r.nextInt(4) == 0 ? r.nextInt(bytes.length) : r.nextInt((int) headerEnd);
                bytes[at] = (byte) (r.nextInt(3) == 0 ? JSON_CHARS.charAt(r.nextInt(JSON_CHARS.length())) : r.nextInt(256));
            }
            try {
                SafeTensorsFile f = SafeTensors.read(MemorySegment.ofArray(bytes), "fuzz");
                for (SafeTensor t : f.tensors()) {          // anything accepted is fully readable
                    if (t.dtype().isFloatingPoint()) {
                        t.toFloats();
                    } else {
                        t.toLongs();
                    }
                }
                accepted++;
            } catch (SafeTensorsException expected) {
                // refused cleanly
            }
        }
        assertTrue(accepted < 5000, "corruption must be detected at least sometimes");
    }
}
