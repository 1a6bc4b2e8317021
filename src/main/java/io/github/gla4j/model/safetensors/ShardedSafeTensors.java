/*
 * Sharded safetensors checkpoints in the Hugging Face layout: shards named "model-00001-of-00003.safetensors"
 * and an index "model.safetensors.index.json" = {"metadata": {"total_size": bytes}, "weight_map": {name: shard}}.
 * Reading checks that the index and the shards agree exactly. Tested by ShardedSafeTensorsTest.
 */
package io.github.gla4j.model.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/** A set of safetensors shards tied together by an index file. */
public final class ShardedSafeTensors {
    /** The index file name is the weights file name plus this suffix. */
    public static final String INDEX_SUFFIX = ".index.json";

    private final Path indexFile;
    private final OptionalLong totalSize;
    private final Map<String, String> weightMap;
    private final Map<String, SafeTensor> tensors;

    private ShardedSafeTensors(Path indexFile, OptionalLong totalSize, Map<String, String> weightMap,
                               Map<String, SafeTensor> tensors) {
        this.indexFile = indexFile;
        this.totalSize = totalSize;
        this.weightMap = java.util.Collections.unmodifiableMap(weightMap);
        this.tensors = java.util.Collections.unmodifiableMap(tensors);
    }

    /**
     * Opens the index {@code indexFile} and every shard it names (in the same directory), mapping them into
     * {@code arena}. Fails if a shard is missing, holds a tensor the index does not map to it, or lacks one it does.
     */
    public static ShardedSafeTensors open(Path indexFile, Arena arena) throws IOException {
        String source = indexFile.toString();
        JsonNode root;
        try {
            root = SafeTensors.JSON.readTree(Files.readString(indexFile, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new SafeTensorsException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new SafeTensorsException(source + ": not valid UTF-8", e);
        }
        if (root == null || !root.isObject()) {
            throw new SafeTensorsException(source + ": index must be a JSON object");
        }
        OptionalLong totalSize = OptionalLong.empty();
        JsonNode metadata = root.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                throw new SafeTensorsException(source + ": 'metadata' must be an object");
            }
            JsonNode total = metadata.get("total_size");
            if (total != null) {
                if (!total.isIntegralNumber() || !total.canConvertToLong() || total.longValue() < 0) {
                    throw new SafeTensorsException(source + ": metadata.total_size = " + total
                            + " is not a non-negative integer");
                }
                totalSize = OptionalLong.of(total.longValue());
            }
        }
        JsonNode map = root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new SafeTensorsException(source + ": missing or non-object 'weight_map'");
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        Map<String, Set<String>> namesByShard = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            JsonNode shard = e.getValue();
            if (!shard.isTextual() || !isPlainFileName(shard.textValue())) {
                throw new SafeTensorsException(source + ": weight_map['" + e.getKey() + "'] = " + shard
                        + " is not a file name in the index's directory");
            }
            weightMap.put(e.getKey(), shard.textValue());
            namesByShard.computeIfAbsent(shard.textValue(), k -> new LinkedHashSet<>()).add(e.getKey());
        }
        Path dir = indexFile.toAbsolutePath().getParent();
        Map<String, SafeTensorsFile> files = new LinkedHashMap<>();
        for (Map.Entry<String, Set<String>> shard : namesByShard.entrySet()) {
            SafeTensorsFile file;
            try {
                file = SafeTensors.open(dir.resolve(shard.getKey()), arena);
            } catch (NoSuchFileException e) {
                throw new SafeTensorsException(source + ": shard '" + shard.getKey() + "' named by the index is missing", e);
            }
            for (String name : file.names()) {
                if (!shard.getValue().contains(name)) {
                    throw new SafeTensorsException(source + ": shard '" + shard.getKey() + "' holds tensor '" + name
                            + "' which the index " + (weightMap.containsKey(name)
                            ? "maps to '" + weightMap.get(name) + "'" : "does not list"));
                }
            }
            for (String name : shard.getValue()) {
                if (!file.contains(name)) {
                    throw new SafeTensorsException(source + ": the index maps tensor '" + name + "' to shard '"
                            + shard.getKey() + "', which does not hold it");
                }
            }
            files.put(shard.getKey(), file);
        }
        Map<String, SafeTensor> tensors = new LinkedHashMap<>();
        weightMap.forEach((name, shard) -> tensors.put(name, files.get(shard).tensor(name)));
        return new ShardedSafeTensors(indexFile, totalSize, weightMap, tensors);
    }

    /**
     * Writes {@code tensors} (in the given order) as shards of at most {@code maxShardBytes} of tensor data each
     * (a larger tensor gets a shard of its own), then the index. Shards are named after {@code weightsName}:
     * "model.safetensors" gives "model-00001-of-0000N.safetensors" and "model.safetensors.index.json".
     * Every file is written atomically; the index last, so it never names a shard that is not there yet.
     *
     * @return the shard file names, in order
     */
    public static List<String> write(Path dir, String weightsName, Collection<SafeTensor> tensors,
                                     Map<String, String> metadata, long maxShardBytes) throws IOException {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
        }
        if (!weightsName.endsWith(".safetensors") || !isPlainFileName(weightsName)) {
            throw new IllegalArgumentException("weights file name must be a plain *.safetensors name, got '"
                    + weightsName + "'");
        }
        List<List<SafeTensor>> shards = new ArrayList<>();
        List<SafeTensor> current = new ArrayList<>();
        long currentBytes = 0;
        long totalBytes = 0;
        Set<String> seen = new java.util.HashSet<>();
        for (SafeTensor t : tensors) {
            if (!seen.add(t.name())) {
                throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
            }
            long bytes = t.data().byteSize();
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(t);
            currentBytes += bytes;
            totalBytes += bytes;
        }
        if (!current.isEmpty() || shards.isEmpty()) {
            shards.add(current);
        }
        String stem = weightsName.substring(0, weightsName.length() - ".safetensors".length());
        List<String> shardNames = new ArrayList<>();
        Map<String, String> weightMap = new TreeMap<>();
        for (int i = 0; i < shards.size(); i++) {
            String shardName = String.format("%s-%05d-of-%05d.safetensors", stem, i + 1, shards.size());
            SafeTensorsWriter.write(dir.resolve(shardName), shards.get(i), metadata);
            shardNames.add(shardName);
            for (SafeTensor t : shards.get(i)) {
                weightMap.put(t.name(), shardName);
            }
        }
        ObjectNode index = SafeTensors.JSON.createObjectNode();
        index.putObject("metadata").put("total_size", totalBytes);
        ObjectNode map = index.putObject("weight_map");
        weightMap.forEach(map::put);
        byte[] json = SafeTensors.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index);
        AtomicFiles.write(dir.resolve(weightsName + INDEX_SUFFIX), json);
        return List.copyOf(shardNames);
    }

    /** The index file this set was opened from. */
    public Path indexFile() {
        return indexFile;
    }

    /** The index's metadata.total_size, if present (informational: not checked against the shards). */
    public OptionalLong totalSize() {
        return totalSize;
    }

    /** Tensor name → shard file name, as in the index. */
    public Map<String, String> weightMap() {
        return weightMap;
    }

    /** Tensor names in index order. */
    public Set<String> names() {
        return tensors.keySet();
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The tensor called {@code name}, from whichever shard holds it. */
    public SafeTensor tensor(String name) {
        SafeTensor t = tensors.get(name);
        if (t == null) {
            throw new NoSuchElementException(indexFile + ": no tensor named '" + name + "'");
        }
        return t;
    }

    /** All tensors in index order. */
    public Collection<SafeTensor> tensors() {
        return List.copyOf(tensors.values());
    }

    private static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..")
                && name.indexOf('/') < 0 && name.indexOf('\\') < 0 && name.indexOf('\0') < 0;
    }
}
