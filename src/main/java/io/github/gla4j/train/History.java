/*
 * History.java — the curves of a run so far: training loss per step and validation loss (and accuracy) at each
 * validation. Kept in every checkpoint, so a resumed run draws the whole curve in its plot.
 */
package io.github.gla4j.train;

import java.util.ArrayList;
import java.util.List;

public final class History {
    public final List<Long> steps = new ArrayList<>();
    public final List<Double> losses = new ArrayList<>();
    public final List<Long> valSteps = new ArrayList<>();
    public final List<Double> valLosses = new ArrayList<>();
    public final List<Double> valAccuracies = new ArrayList<>();

    public void addStep(long step, double loss) {
        steps.add(step);
        losses.add(loss);
    }

    public void addValidation(long step, double loss, double accuracy) {
        valSteps.add(step);
        valLosses.add(loss);
        valAccuracies.add(accuracy);
    }
}
