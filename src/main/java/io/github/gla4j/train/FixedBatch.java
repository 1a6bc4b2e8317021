/*
 * FixedBatch.java — one fixed batch used at every step (gla train --input-ids FILE): the int64 (or int32) tensor
 * `input_ids` [batch, seqLen] of a safetensors file, every next token a target. For reproducibility checks against
 * another implementation that trained on the same batch. Tested by GoldenTrainingTest.
 */
package io.github.gla4j.train;

import io.github.gla4j.model.safetensors.SafeTensor;
import io.github.gla4j.model.safetensors.SafeTensors;
import io.github.gla4j.model.safetensors.SafeTensorsDType;
import io.github.gla4j.model.safetensors.SafeTensorsFile;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;

public final class FixedBatch implements BatchSource {

    public static final String TENSOR = "input_ids";

    private final Batch batch;
    private final int vocabSize;

    public FixedBatch(Batch batch) {
        this.batch = batch;
        this.vocabSize = Arrays.stream(batch.inputIds()).max().orElse(0) + 1;
    }

    /** The input_ids tensor of a safetensors file. */
    public static FixedBatch read(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsFile f = SafeTensors.open(file, arena);
            if (!f.contains(TENSOR)) {
                throw new IOException(file + ": no tensor '" + TENSOR + "' (has " + f.names() + ")");
            }
            SafeTensor t = f.tensor(TENSOR);
            if (t.rank() != 2 || (t.dtype() != SafeTensorsDType.I64 && t.dtype() != SafeTensorsDType.I32)) {
                throw new IOException(file + ": '" + TENSOR + "' must be an I64 or I32 tensor [batch, seq_len], is "
                        + t.dtype() + " " + Arrays.toString(t.shape()));
            }
            if (t.dim(0) < 1 || t.dim(1) < 2 || t.numel() > Integer.MAX_VALUE) {
                throw new IOException(file + ": '" + TENSOR + "' " + Arrays.toString(t.shape())
                        + " must have ≥ 1 row of ≥ 2 tokens");
            }
            long[] longs = t.toLongs();
            int[] ids = new int[longs.length];
            for (int i = 0; i < ids.length; i++) {
                if (longs[i] < 0 || longs[i] >= Integer.MAX_VALUE) {
                    throw new IOException(file + ": token id " + longs[i] + " at " + i + " is not a valid id");
                }
                ids[i] = (int) longs[i];
            }
            return new FixedBatch(Batch.ofTokens((int) t.dim(0), (int) t.dim(1), ids));
        }
    }

    @Override
    public int batchSize() {
        return batch.batch();
    }

    @Override
    public int seqLen() {
        return batch.seqLen();
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public Batch batch(long index) {
        return batch;
    }
}
