/*
 * LearningRateSchedule.java — the learning rate of each optimizer step (0-based): a linear warm-up from lr/warmup
 * to lr over the first `warmup` steps, then either constant or a cosine decay that reaches minLr at the last step:
 *   warm-up   lr · (s + 1) / warmup                                       s < warmup
 *   constant  lr
 *   cosine    minLr + (lr − minLr) · ½(1 + cos(π · (s − warmup) / (steps − 1 − warmup)))
 * Tested by LearningRateScheduleTest.
 */
package io.github.gla4j.train;

import java.util.Locale;

public record LearningRateSchedule(Kind kind, double lr, double minLr, long warmup, long steps) {

    public enum Kind {
        CONSTANT, COSINE;

        /** "constant" or "cosine". */
        public static Kind parse(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "constant" -> CONSTANT;
                case "cosine" -> COSINE;
                default -> throw new IllegalArgumentException("unknown schedule '" + name + "' (cosine or constant)");
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public LearningRateSchedule {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate " + lr + " must be a finite number ≥ 0");
        }
        if (!(minLr >= 0) || minLr > lr) {
            throw new IllegalArgumentException("minimum learning rate " + minLr + " must be in [0, lr = " + lr + "]");
        }
        if (warmup < 0 || steps < 1) {
            throw new IllegalArgumentException("warm-up steps " + warmup + " must be ≥ 0 and steps " + steps + " ≥ 1");
        }
    }

    /** The learning rate of step s (0-based). */
    public double at(long s) {
        if (s < warmup) {
            return lr * (s + 1) / warmup;
        }
        if (kind == Kind.CONSTANT) {
            return lr;
        }
        long span = steps - 1 - warmup;
        double progress = span <= 0 ? 1 : Math.min(1, (double) (s - warmup) / span);
        return minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
