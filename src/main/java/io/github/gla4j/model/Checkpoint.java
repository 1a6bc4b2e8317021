/*
 * Checkpoint: a Hugging Face-format model directory, config.json + model.safetensors (or shards listed in
 * model.safetensors.index.json), holding exactly the parameters GlaConfig.parameters() names, with those shapes,
 * in F32, BF16 or F16. Loads in the reference implementation and from it. Tensors are zero-copy views of the
 * mapped files. Tested by CheckpointTest (./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.skip=true).
 */
package io.github.gla4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.gla4j.model.safetensors.SafeTensor;
import io.github.gla4j.model.safetensors.SafeTensors;
import io.github.gla4j.model.safetensors.SafeTensorsException;
import io.github.gla4j.model.safetensors.SafeTensorsWriter;
import io.github.gla4j.model.safetensors.ShardedSafeTensors;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/** A GLA model checkpoint directory, opened: its config and its parameters in the reference order. */
public final class Checkpoint {
    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String INDEX_FILE = WEIGHTS_FILE + ShardedSafeTensors.INDEX_SUFFIX;
    /** Hugging Face's loader refuses safetensors files without format "pt" in their metadata. */
    public static final Map<String, String> METADATA = Map.of("format", "pt");

    private final Path directory;
    private final GlaConfig config;
    private final Map<String, SafeTensor> tensors;

    private Checkpoint(Path directory, GlaConfig config, Map<String, SafeTensor> tensors) {
        this.directory = directory;
        this.config = config;
        this.tensors = java.util.Collections.unmodifiableMap(tensors);
    }

    /**
     * Opens the checkpoint in {@code dir}: parses config.json, maps the weights into {@code arena}, and checks
     * that they are exactly the config's parameters (names, shapes, a floating-point dtype).
     *
     * @throws IllegalArgumentException if config.json asks for something gla4j does not implement
     * @throws SafeTensorsException     if the weights are malformed or do not match the config
     */
    public static Checkpoint open(Path dir, Arena arena) throws IOException {
        Path configFile = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new NoSuchFileException(configFile.toString(), null, "not a checkpoint directory: no " + CONFIG_FILE);
        }
        GlaConfig config = GlaConfig.read(configFile);
        Path single = dir.resolve(WEIGHTS_FILE);
        Path index = dir.resolve(INDEX_FILE);
        boolean hasSingle = Files.exists(single);
        boolean hasIndex = Files.exists(index);
        Collection<SafeTensor> found;
        if (hasSingle && hasIndex) {
            throw new SafeTensorsException(dir + ": holds both " + WEIGHTS_FILE + " and " + INDEX_FILE
                    + "; which one is current is ambiguous");
        } else if (hasSingle) {
            found = SafeTensors.open(single, arena).tensors();
        } else if (hasIndex) {
            found = ShardedSafeTensors.open(index, arena).tensors();
        } else {
            throw new NoSuchFileException(single.toString(), null, "checkpoint has neither " + WEIGHTS_FILE
                    + " nor " + INDEX_FILE);
        }
        return new Checkpoint(dir, config, inReferenceOrder(dir.toString(), config, found));
    }

    /** Writes {@code tensors} and {@code config} to {@code dir} as config.json + a single model.safetensors. */
    public static void save(Path dir, GlaConfig config, Collection<SafeTensor> tensors) throws IOException {
        save(dir, config, tensors, Long.MAX_VALUE);
    }

    /**
     * Writes {@code tensors} (exactly the config's parameters, any order) and config.json to {@code dir}. When
     * the tensor data exceed {@code maxShardBytes} they are split into shards with an index, as Hugging Face does.
     * Each file is replaced atomically; weights come before config.json, and files of an earlier layout that the
     * new one does not use (a single file or stale shards) are removed afterwards.
     */
    public static void save(Path dir, GlaConfig config, Collection<SafeTensor> tensors, long maxShardBytes)
            throws IOException {
        Map<String, SafeTensor> ordered = inReferenceOrder(dir.toString(), config, tensors);
        Files.createDirectories(dir);
        Set<String> staleShards = shardsNamedBy(dir.resolve(INDEX_FILE));
        long bytes = 0;
        for (SafeTensor t : ordered.values()) {
            bytes += t.data().byteSize();
        }
        if (bytes <= maxShardBytes) {
            SafeTensorsWriter.write(dir.resolve(WEIGHTS_FILE), ordered.values(), METADATA);
            Files.deleteIfExists(dir.resolve(INDEX_FILE));
        } else {
            staleShards.removeAll(ShardedSafeTensors.write(dir, WEIGHTS_FILE, ordered.values(), METADATA, maxShardBytes));
            Files.deleteIfExists(dir.resolve(WEIGHTS_FILE));
        }
        for (String shard : staleShards) {
            Files.deleteIfExists(dir.resolve(shard));
        }
        config.write(dir.resolve(CONFIG_FILE));
    }

    /** Shard files an existing index names (for clean-up); empty when there is no readable index. */
    private static Set<String> shardsNamedBy(Path index) {
        Set<String> shards = new HashSet<>();
        try {
            JsonNode map = JsonMapper.builder().build().readTree(index.toFile()).get("weight_map");
            if (map != null) {
                for (JsonNode shard : map) {
                    String name = shard.asText();
                    if (name.endsWith(".safetensors") && !name.contains("/") && !name.contains("\\")) {
                        shards.add(name);
                    }
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // no index, or one we cannot read: nothing we can safely identify as ours to delete
        }
        return shards;
    }

    /** The tensors keyed by name in the reference order, after checking they are exactly the config's parameters. */
    private static Map<String, SafeTensor> inReferenceOrder(String where, GlaConfig config,
                                                            Collection<SafeTensor> tensors) throws SafeTensorsException {
        Map<String, SafeTensor> byName = new LinkedHashMap<>();
        for (SafeTensor t : tensors) {
            if (byName.put(t.name(), t) != null) {
                throw new SafeTensorsException(where + ": tensor '" + t.name() + "' given twice");
            }
        }
        Map<String, SafeTensor> ordered = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (GlaConfig.Parameter p : config.parameters()) {
            SafeTensor t = byName.remove(p.name());
            if (t == null) {
                missing.add(p.name());
                continue;
            }
            if (!Arrays.equals(t.shape(), p.shape())) {
                throw new SafeTensorsException(where + ": parameter '" + p.name() + "' has shape "
                        + Arrays.toString(t.shape()) + ", the config needs " + Arrays.toString(p.shape()));
            }
            if (!t.dtype().isFloatingPoint()) {
                throw new SafeTensorsException(where + ": parameter '" + p.name() + "' has dtype " + t.dtype()
                        + "; parameters must be F32, BF16 or F16");
            }
            ordered.put(p.name(), t);
        }
        if (!missing.isEmpty()) {
            throw new SafeTensorsException(where + ": missing " + missing.size() + " parameter(s) the config needs: "
                    + abbreviate(missing) + (missing.contains("lm_head.weight") ? " (tie_word_embeddings is false)" : ""));
        }
        if (!byName.isEmpty()) {
            List<String> extra = new ArrayList<>(byName.keySet());
            throw new SafeTensorsException(where + ": " + extra.size() + " tensor(s) the config does not have: "
                    + abbreviate(extra) + (extra.contains("lm_head.weight") ? " (tie_word_embeddings is true)" : ""));
        }
        return ordered;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 5 ? names.toString() : names.subList(0, 5) + " and " + (names.size() - 5) + " more";
    }

    public Path directory() {
        return directory;
    }

    public GlaConfig config() {
        return config;
    }

    /** Parameter names in the reference order. */
    public Set<String> names() {
        return tensors.keySet();
    }

    /** The parameter called {@code name}: a zero-copy view, valid while the arena given to {@link #open} is open. */
    public SafeTensor tensor(String name) {
        SafeTensor t = tensors.get(name);
        if (t == null) {
            throw new NoSuchElementException(directory + ": no parameter named '" + name + "'");
        }
        return t;
    }

    /** The parameter called {@code name}, converted to floats. */
    public float[] floats(String name) {
        return tensor(name).toFloats();
    }

    /** All parameters in the reference order. */
    public Collection<SafeTensor> tensors() {
        return List.copyOf(tensors.values());
    }
}
