/*
 * TestRuns.java — small training runs for the tests: MQAR on the tiny preset with a few short steps.
 */
package io.github.gla4j.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

final class TestRuns {

    private TestRuns() {
    }

    /** MQAR (vocab 16, 4 pairs, 16 tokens), batches of 4, 2 micro-batches per step, cosine with warm-up. */
    static TrainOptions mqar(long steps, long checkpointEvery, double lr) {
        return new TrainOptions("tiny", TrainOptions.Data.MQAR, List.of(), null, 0.1, null, 16, 4, 4, 16, 2, steps,
                lr, lr / 10, "cosine", 2, 0.9, 0.95, 1e-8, 0.1, true, 1.0, 7, 3, 2, checkpointEvery, 10);
    }

    /** Records what a run reports; can stop the run (as a kill would) after a given step. */
    static final class Recorder implements TrainingRun.Listener {
        final List<Trainer.Step> steps = new ArrayList<>();
        final List<Trainer.Evaluation> evaluations = new ArrayList<>();
        final List<Path> checkpoints = new ArrayList<>();
        final List<String> messages = new ArrayList<>();
        long startStep = -1;
        private final long killAfter;

        Recorder() {
            this(Long.MAX_VALUE);
        }

        Recorder(long killAfter) {
            this.killAfter = killAfter;
        }

        @Override
        public void started(List<String> description, long startStep, long steps, double elapsedSeconds) {
            this.startStep = startStep;
        }

        @Override
        public void step(Trainer.Step step, Trainer.Evaluation evaluation) {
            steps.add(step);
            if (evaluation != null) {
                evaluations.add(evaluation);
            }
        }

        @Override
        public void checkpoint(long step, Path directory) {
            checkpoints.add(directory);
            if (step >= killAfter) {
                throw new Killed(step);
            }
        }

        @Override
        public void message(String text) {
            messages.add(text);
        }
    }

    /** Stands for the process dying right after a checkpoint. */
    static final class Killed extends RuntimeException {
        Killed(long step) {
            super("killed after step " + step);
        }
    }
}
