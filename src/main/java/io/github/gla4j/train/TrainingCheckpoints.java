/*
 * TrainingCheckpoints.java — the checkpoints of a run in its output directory, one directory per saved step:
 *
 *   OUT/checkpoint-<step>/  config.json, model.safetensors   the model (a Hugging Face model directory)
 *                           tokenizer.json                   when the run used one
 *                           optimizer.safetensors            AdamW's moments: exp_avg.<name>, exp_avg_sq.<name>
 *                           trainer_state.json               step, data position, seed, options, curves, and the
 *                                                            size and CRC-32C of every file above
 *
 * A checkpoint is written into OUT/.checkpoint-<step>.partial and renamed into place only when complete, so a run
 * killed while saving leaves the previous checkpoints as they were. Reading one back checks every file against the
 * sizes and checksums of its trainer_state.json: a corrupt or partial checkpoint is reported and the previous good
 * one used. All randomness of a run is a function of (seed, position), so step + seed is the whole RNG state.
 * Tested by CheckpointResumeTest.
 */
package io.github.gla4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.model.Checkpoint;
import io.github.gla4j.model.Parameters;
import io.github.gla4j.model.safetensors.AtomicFiles;
import io.github.gla4j.model.safetensors.SafeTensor;
import io.github.gla4j.model.safetensors.SafeTensors;
import io.github.gla4j.model.safetensors.SafeTensorsDType;
import io.github.gla4j.model.safetensors.SafeTensorsFile;
import io.github.gla4j.model.safetensors.SafeTensorsWriter;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

public final class TrainingCheckpoints {

    public static final String PREFIX = "checkpoint-";
    public static final String STATE_FILE = "trainer_state.json";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    static final String FORMAT = "gla4j-trainer-state";
    static final int VERSION = 1;
    private static final String EXP_AVG = "exp_avg.";
    private static final String EXP_AVG_SQ = "exp_avg_sq.";

    /** What a checkpoint's trainer_state.json says. */
    public record State(Path directory, long step, long dataPosition, TrainOptions options, History history,
                        double elapsedSeconds) {
    }

    /** A checkpoint that cannot be used, and why. */
    public static final class CorruptCheckpointException extends IOException {
        public CorruptCheckpointException(String message) {
            super(message);
        }

        public CorruptCheckpointException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private TrainingCheckpoints() {
    }

    /** The directory of the checkpoint of step. */
    public static Path directory(Path out, long step) {
        return out.resolve(PREFIX + step);
    }

    /**
     * Saves the state after step completed steps, atomically, then deletes all but the newest keep checkpoints.
     *
     * @param tokenizer the tokenizer.json the run uses, copied beside the model, or null
     */
    public static Path save(Path out, long step, TrainOptions options, Parameters params, AdamW optimizer,
                            History history, double elapsedSeconds, Path tokenizer, int keep) throws IOException {
        Files.createDirectories(out);
        Path target = directory(out, step);
        Path staging = out.resolve("." + PREFIX + step + ".partial");
        deleteTree(staging);
        Files.createDirectories(staging);
        Checkpoint.save(staging, params.config(), params.toSafeTensors());
        List<SafeTensor> moments = new ArrayList<>(optimizer.expAvg().toSafeTensors(EXP_AVG));
        moments.addAll(optimizer.expAvgSq().toSafeTensors(EXP_AVG_SQ));
        SafeTensorsWriter.write(staging.resolve(OPTIMIZER_FILE), moments,
                Map.of("step", Long.toString(optimizer.step())));
        if (tokenizer != null) {
            Files.copy(tokenizer, staging.resolve(TextTokenizer.TOKENIZER_FILE), StandardCopyOption.REPLACE_EXISTING);
        }
        ObjectNode state = TrainOptions.JSON.createObjectNode();
        state.put("format", FORMAT);
        state.put("version", VERSION);
        state.put("step", step);
        state.put("data_position", step * options.gradAccum());
        state.put("seed", options.seed());
        state.put("elapsed_seconds", elapsedSeconds);
        state.set("options", options.toJson());
        state.set("history", historyJson(history));
        ObjectNode files = state.putObject("files");
        try (Stream<Path> list = Files.list(staging)) {
            for (Path f : list.sorted().toList()) {
                ObjectNode entry = files.putObject(f.getFileName().toString());
                entry.put("bytes", Files.size(f));
                entry.put("crc32c", crc32c(f));
            }
        }
        AtomicFiles.write(staging.resolve(STATE_FILE),
                TrainOptions.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
        replace(staging, target);
        prune(out, keep);
        return target;
    }

    /** Moves the complete staging directory to target, replacing an older directory of that name. */
    private static void replace(Path staging, Path target) throws IOException {
        Path aside = null;
        if (Files.exists(target)) {
            aside = target.resolveSibling("." + target.getFileName() + ".old-"
                    + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
            Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            throw new IOException("could not move the new checkpoint into " + target + ": " + e.getMessage(), e);
        }
        syncDirectory(target.getParent());
        if (aside != null) {
            deleteTree(aside);
        }
    }

    /** The checkpoint directories of out, newest first. */
    public static List<Path> list(Path out) throws IOException {
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(Files::isDirectory).filter(p -> stepOf(p) >= 0)
                    .sorted(Comparator.comparingLong(TrainingCheckpoints::stepOf).reversed()).toList();
        }
    }

    /** The step a checkpoint directory's name says, or −1 when the name is not checkpoint-<step>. */
    static long stepOf(Path dir) {
        String name = dir.getFileName().toString();
        if (!name.startsWith(PREFIX)) {
            return -1;
        }
        String digits = name.substring(PREFIX.length());
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(digits);
    }

    /** Deletes all but the newest keep checkpoints, and staging directories a killed run left behind. */
    static void prune(Path out, int keep) throws IOException {
        List<Path> all = list(out);
        for (Path old : all.subList(Math.min(keep, all.size()), all.size())) {
            deleteTree(old);
        }
        try (Stream<Path> s = Files.list(out)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith("." + PREFIX) && (name.endsWith(".partial") || name.contains(".old-"))) {
                    deleteTree(p);
                }
            }
        }
    }

    /**
     * Reads and checks a checkpoint: its trainer_state.json, and every file it lists against its size and CRC-32C.
     *
     * @throws CorruptCheckpointException saying what is wrong
     */
    public static State verify(Path dir) throws CorruptCheckpointException {
        Path stateFile = dir.resolve(STATE_FILE);
        if (!Files.isRegularFile(stateFile)) {
            throw new CorruptCheckpointException(dir + " is incomplete: it has no " + STATE_FILE);
        }
        JsonNode state;
        try {
            state = TrainOptions.JSON.readTree(stateFile.toFile());
        } catch (IOException e) {
            throw new CorruptCheckpointException(stateFile + " is not valid JSON: " + e.getMessage(), e);
        }
        if (state == null || !FORMAT.equals(state.path("format").asText()) || state.path("version").asInt() != VERSION) {
            throw new CorruptCheckpointException(stateFile + " is not a " + FORMAT + " version " + VERSION + " file");
        }
        JsonNode files = state.path("files");
        for (String required : List.of(Checkpoint.CONFIG_FILE, Checkpoint.WEIGHTS_FILE, OPTIMIZER_FILE)) {
            if (!files.has(required)) {
                throw new CorruptCheckpointException(stateFile + " lists no " + required);
            }
        }
        for (Map.Entry<String, JsonNode> e : files.properties()) {
            String name = e.getKey();
            if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                throw new CorruptCheckpointException(stateFile + " lists a file outside the checkpoint: " + name);
            }
            Path f = dir.resolve(name);
            try {
                if (!Files.isRegularFile(f)) {
                    throw new CorruptCheckpointException(dir + " is incomplete: " + name + " is missing");
                }
                long size = Files.size(f);
                if (size != e.getValue().path("bytes").asLong(-1)) {
                    throw new CorruptCheckpointException(f + " has " + size + " bytes, " + STATE_FILE + " says "
                            + e.getValue().path("bytes"));
                }
                String crc = crc32c(f);
                if (!crc.equals(e.getValue().path("crc32c").asText())) {
                    throw new CorruptCheckpointException(f + " is corrupt: CRC-32C " + crc + ", " + STATE_FILE
                            + " says " + e.getValue().path("crc32c").asText());
                }
            } catch (CorruptCheckpointException ce) {
                throw ce;
            } catch (IOException io) {
                throw new CorruptCheckpointException(f + " cannot be read: " + io.getMessage(), io);
            }
        }
        try {
            long step = requiredLong(state, "step");
            long position = requiredLong(state, "data_position");
            TrainOptions options = TrainOptions.fromJson(state.path("options"));
            return new State(dir, step, position, options, history(state.path("history")),
                    state.path("elapsed_seconds").asDouble(0));
        } catch (IllegalArgumentException e) {
            throw new CorruptCheckpointException(stateFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * The newest checkpoint of out that verifies; each newer one that does not is reported to warn. Empty when out
     * has no checkpoint at all.
     *
     * @throws CorruptCheckpointException when there are checkpoints but none is usable
     */
    public static java.util.Optional<State> latest(Path out, Consumer<String> warn) throws IOException {
        List<Path> all = list(out);
        List<String> problems = new ArrayList<>();
        for (Path dir : all) {
            try {
                return java.util.Optional.of(verify(dir));
            } catch (CorruptCheckpointException e) {
                problems.add(e.getMessage());
                warn.accept("skipping checkpoint " + dir.getFileName() + ": " + e.getMessage());
            }
        }
        if (!all.isEmpty()) {
            throw new CorruptCheckpointException("no usable checkpoint in " + out + ": " + String.join("; ", problems));
        }
        return java.util.Optional.empty();
    }

    /** The model of a verified checkpoint, and AdamW's moments and step count into optimizer. */
    public static Parameters restore(State state, AdamW optimizer) throws CorruptCheckpointException {
        Path dir = state.directory();
        Parameters params = null;
        try (Arena arena = Arena.ofConfined()) {
            params = Parameters.load(Checkpoint.open(dir, arena));
            SafeTensorsFile moments = SafeTensors.open(dir.resolve(OPTIMIZER_FILE), arena);
            for (String name : params.names()) {
                copy(moments, EXP_AVG + name, optimizer.expAvg().get(name));
                copy(moments, EXP_AVG_SQ + name, optimizer.expAvgSq().get(name));
            }
            optimizer.restoreStep(Long.parseLong(moments.metadata().getOrDefault("step", "-1")));
            return params;
        } catch (IOException | RuntimeException e) {
            if (params != null) {
                params.close();
            }
            throw new CorruptCheckpointException(dir + " cannot be loaded: " + e.getMessage(), e);
        }
    }

    private static void copy(SafeTensorsFile file, String name, HostTensor into) throws IOException {
        if (!file.contains(name)) {
            throw new IOException(OPTIMIZER_FILE + " has no tensor " + name);
        }
        SafeTensor t = file.tensor(name);
        if (t.dtype() != SafeTensorsDType.F32 || !Arrays.equals(t.shape(), into.shape().dims())) {
            throw new IOException(OPTIMIZER_FILE + ": " + name + " is " + t.dtype() + " " + Arrays.toString(t.shape())
                    + ", expected F32 " + Arrays.toString(into.shape().dims()));
        }
        MemorySegment.copy(t.data(), ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0,
                into.segment(), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, into.elementCount());
    }

    private static long requiredLong(JsonNode state, String key) {
        JsonNode v = state.get(key);
        if (v == null || !v.canConvertToLong() || v.asLong() < 0) {
            throw new IllegalArgumentException(key + " is missing or invalid: " + v);
        }
        return v.asLong();
    }

    private static JsonNode historyJson(History h) {
        ObjectNode node = TrainOptions.JSON.createObjectNode();
        ArrayNode steps = node.putArray("step"), losses = node.putArray("loss"), valSteps = node.putArray("val_step"),
                valLosses = node.putArray("val_loss"), valAcc = node.putArray("val_accuracy");
        h.steps.forEach(steps::add);
        h.losses.forEach(losses::add);
        h.valSteps.forEach(valSteps::add);
        h.valLosses.forEach(valLosses::add);
        h.valAccuracies.forEach(valAcc::add);
        return node;
    }

    private static History history(JsonNode node) {
        History h = new History();
        JsonNode steps = node.path("step"), losses = node.path("loss"), valSteps = node.path("val_step"),
                valLosses = node.path("val_loss"), valAcc = node.path("val_accuracy");
        if (steps.size() != losses.size() || valSteps.size() != valLosses.size() || valAcc.size() != valSteps.size()) {
            throw new IllegalArgumentException("history arrays of different lengths");
        }
        for (int i = 0; i < steps.size(); i++) {
            h.addStep(steps.get(i).asLong(), losses.get(i).asDouble());
        }
        for (int i = 0; i < valSteps.size(); i++) {
            h.addValidation(valSteps.get(i).asLong(), valLosses.get(i).asDouble(), valAcc.get(i).asDouble());
        }
        return h;
    }

    /** CRC-32C of a file's bytes, as 8 hex digits. */
    static String crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buffer) >= 0) {
                buffer.flip();
                crc.update(buffer);
                buffer.clear();
            }
        }
        return String.format("%08x", crc.getValue());
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException unsupported) {
            // durability of the directory entry is best effort where the OS does not offer it
        }
    }
}
