/*
 * Reading safetensors files: an 8-byte little-endian header length n, n bytes of UTF-8 JSON
 * ({"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets": [begin, end]}, ...}), then the data
 * region that the offsets index. The header is validated completely before anything is mapped; the data is
 * mapped read-only into the caller's arena and every tensor is a zero-copy slice of that mapping.
 * Tested by SafeTensorsCorruptionTest, SafeTensorsRoundTripTest and GoldenFilesTest.
 */
package io.github.gla4j.model.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Entry point for reading safetensors files. */
public final class SafeTensors {
    /** The reserved header key of the string-to-string metadata map. */
    public static final String METADATA_KEY = "__metadata__";
    /** Largest header accepted, as in the reference implementation: a bigger one is a corrupt length. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Strict JSON: duplicate keys and trailing garbage are errors, not "last one wins". */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Set<String> ENTRY_KEYS = Set.of("dtype", "shape", "data_offsets");

    private SafeTensors() {
    }

    /**
     * Opens {@code path}: validates the header, then maps the data region read-only into {@code arena}.
     * The tensors stay valid until the arena is closed.
     *
     * @throws SafeTensorsException if the file is not a valid safetensors file (the message says why)
     */
    public static SafeTensorsFile open(Path path, Arena arena) throws IOException {
        String source = path.toString();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            long headerLength = readHeaderLength(source, fileSize, readFully(ch, 0, (int) Math.min(8, fileSize)));
            byte[] header = new byte[(int) headerLength];
            ByteBuffer headerBuf = ByteBuffer.wrap(header);
            while (headerBuf.hasRemaining()) {
                if (ch.read(headerBuf, 8 + headerBuf.position()) < 0) {
                    throw new SafeTensorsException(source + ": file shrank while its header was read");
                }
            }
            long dataStart = 8 + headerLength;
            Header parsed = parseHeader(source, header, fileSize - dataStart);
            MemorySegment data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart, fileSize - dataStart, arena);
            return parsed.toFile(source, data);
        }
    }

    /**
     * Reads a whole safetensors file already in memory (e.g. received over a network or built by a test).
     * Tensors are zero-copy slices of {@code bytes}.
     */
    public static SafeTensorsFile read(MemorySegment bytes, String source) throws SafeTensorsException {
        long size = bytes.byteSize();
        byte[] prefix = bytes.asSlice(0, Math.min(8, size)).toArray(ValueLayout.JAVA_BYTE);
        long headerLength = readHeaderLength(source, size, prefix);
        byte[] header = bytes.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
        Header parsed = parseHeader(source, header, size - 8 - headerLength);
        return parsed.toFile(source, bytes.asSlice(8 + headerLength));
    }

    private static byte[] readFully(FileChannel ch, long position, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                break;
            }
        }
        return buf.array();
    }

    private static long readHeaderLength(String source, long fileSize, byte[] prefix) throws SafeTensorsException {
        if (fileSize < 8) {
            throw new SafeTensorsException(source + ": file is " + fileSize
                    + " bytes, too short for the 8-byte header length (truncated or not a safetensors file)");
        }
        long n = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > fileSize - 8) {
            throw new SafeTensorsException(source + ": header length " + Long.toUnsignedString(n)
                    + " runs beyond the end of the file (" + fileSize + " bytes; truncated or corrupt)");
        }
        if (n > MAX_HEADER_BYTES) {
            throw new SafeTensorsException(source + ": header length " + n + " exceeds the " + MAX_HEADER_BYTES
                    + "-byte limit (corrupt length)");
        }
        if (n < 2) {
            throw new SafeTensorsException(source + ": header length " + n + " is too short for a JSON object");
        }
        return n;
    }

    /** One tensor's header entry with its offsets relative to the data region. */
    private record Entry(String name, SafeTensorsDType dtype, long[] shape, long begin, long end) {
    }

    private record Header(Map<String, String> metadata, List<Entry> entries) {
        SafeTensorsFile toFile(String source, MemorySegment data) {
            Map<String, SafeTensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                tensors.put(e.name, new SafeTensor(e.name, e.dtype, e.shape, data.asSlice(e.begin, e.end - e.begin)));
            }
            return new SafeTensorsFile(source, metadata, tensors);
        }
    }

    private static Header parseHeader(String source, byte[] header, long dataLength) throws SafeTensorsException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(header)).toString();
        } catch (CharacterCodingException e) {
            throw new SafeTensorsException(source + ": header is not valid UTF-8");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SafeTensorsException(source + ": header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafeTensorsException(source + ": header is not a JSON object");
        }
        Map<String, String> metadata = Map.of();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey();
            if (name.equals(METADATA_KEY)) {
                metadata = parseMetadata(source, field.getValue());
            } else {
                entries.add(parseEntry(source, name, field.getValue(), dataLength));
            }
        }
        checkCoverage(source, entries, dataLength);
        entries.sort(Comparator.comparingLong(Entry::begin));
        return new Header(metadata, List.copyOf(entries));
    }

    private static Map<String, String> parseMetadata(String source, JsonNode node) throws SafeTensorsException {
        if (!node.isObject()) {
            throw new SafeTensorsException(source + ": " + METADATA_KEY + " must be a JSON object of strings, got "
                    + node.getNodeType());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> kv : node.properties()) {
            if (!kv.getValue().isTextual()) {
                throw new SafeTensorsException(source + ": " + METADATA_KEY + "['" + kv.getKey()
                        + "'] must be a string, got " + kv.getValue());
            }
            metadata.put(kv.getKey(), kv.getValue().textValue());
        }
        return java.util.Collections.unmodifiableMap(metadata);
    }

    private static Entry parseEntry(String source, String name, JsonNode node, long dataLength)
            throws SafeTensorsException {
        String where = source + ": tensor '" + name + "'";
        if (name.isEmpty()) {
            throw new SafeTensorsException(source + ": a tensor has an empty name");
        }
        if (!node.isObject()) {
            throw new SafeTensorsException(where + ": entry must be a JSON object, got " + node.getNodeType());
        }
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            String key = property.getKey();
            if (!ENTRY_KEYS.contains(key)) {
                throw new SafeTensorsException(where + ": unexpected key '" + key + "' (expected dtype, shape, data_offsets)");
            }
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafeTensorsException(where + ": missing or non-string 'dtype'");
        }
        SafeTensorsDType dtype = SafeTensorsDType.fromHeaderName(dtypeNode.textValue()).orElseThrow(() ->
                new SafeTensorsException(where + ": unsupported dtype '" + dtypeNode.textValue() + "' (supported: "
                        + SafeTensorsDType.supportedNames() + ")"));
        long[] shape = nonNegativeLongs(where, "shape", node.get("shape"));
        long[] offsets = nonNegativeLongs(where, "data_offsets", node.get("data_offsets"));
        if (offsets.length != 2) {
            throw new SafeTensorsException(where + ": data_offsets must be [begin, end], got " + offsets.length + " numbers");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new SafeTensorsException(where + ": data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        if (end > dataLength) {
            throw new SafeTensorsException(where + ": data_offsets [" + begin + ", " + end
                    + "] run beyond the data region (" + dataLength + " bytes)");
        }
        long expected = SafeTensor.byteCount(dtype, shape);
        if (expected < 0) {
            throw new SafeTensorsException(where + ": shape " + java.util.Arrays.toString(shape)
                    + " overflows a 64-bit byte count");
        }
        if (expected != end - begin) {
            throw new SafeTensorsException(where + ": shape " + java.util.Arrays.toString(shape) + " of " + dtype
                    + " needs " + expected + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long[] nonNegativeLongs(String where, String key, JsonNode node) throws SafeTensorsException {
        if (node == null || !node.isArray()) {
            throw new SafeTensorsException(where + ": missing or non-array '" + key + "'");
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new SafeTensorsException(where + ": " + key + "[" + i + "] = " + v
                        + " is not a non-negative 64-bit integer");
            }
            out[i] = v.longValue();
        }
        return out;
    }

    /** The tensors must tile the data region exactly: no overlap, no gap, nothing left over. */
    private static void checkCoverage(String source, List<Entry> entries, long dataLength) throws SafeTensorsException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin < covered) {
                throw new SafeTensorsException(source + ": tensor '" + e.name + "' data_offsets [" + e.begin + ", "
                        + e.end + "] overlap tensor '" + previous.name + "' [" + previous.begin + ", " + previous.end + "]");
            }
            if (e.begin > covered) {
                throw new SafeTensorsException(source + ": data bytes [" + covered + ", " + e.begin
                        + ") belong to no tensor (gap before tensor '" + e.name + "')");
            }
            covered = e.end;
            previous = e;
        }
        if (covered != dataLength) {
            throw new SafeTensorsException(source + ": data region has " + dataLength + " bytes but the tensors cover "
                    + covered + " (trailing bytes or a wrong header length)");
        }
    }
}
