/*
 * Trainer.java — one optimizer step at a time on the cpu in fp32: for each of gradAccum micro-batches, forward and
 * backward (the gradients of the micro-batches add up, then are averaged), the global gradient norm, clipping,
 * and an AdamW update at the schedule's learning rate. Micro-batch j of step s is batch s·gradAccum + j of the
 * source, so the step number alone says where the data stands. A step whose loss or gradient norm is not finite
 * leaves the parameters untouched and reports it. Also evaluates fixed batches (loss and accuracy of the targets).
 *
 *   Trainer trainer = new Trainer(params, ops, adamw, schedule, clip, gradAccum, source);
 *   Trainer.Step s = trainer.step(0);   // s.loss() is the loss before the update
 *
 * Tested by GoldenTrainingTest (the reference's AdamW losses), MqarTrainingTest and CheckpointResumeTest.
 */
package io.github.gla4j.train;

import io.github.gla4j.model.Activations;
import io.github.gla4j.model.DeviceParameters;
import io.github.gla4j.model.GlaModel;
import io.github.gla4j.model.ParameterSet;
import io.github.gla4j.model.Parameters;

import io.github.gla4j.model.ops.Ops;

import java.util.List;

public final class Trainer implements AutoCloseable {

    /** What one step did: mean loss of its micro-batches (before the update), learning rate, gradient norm. */
    public record Step(long step, double loss, double lr, double gradNorm, long tokens, double seconds) {
        /** Whether the update was applied (loss and gradient norm finite). */
        public boolean finite() {
            return Double.isFinite(loss) && Double.isFinite(gradNorm);
        }

        public double tokensPerSecond() {
            return seconds > 0 ? tokens / seconds : Double.NaN;
        }
    }

    /** Mean loss over the targets of some batches, and the fraction predicted exactly (arg-max). */
    public record Evaluation(double loss, double accuracy, long targets) {
    }

    private final ParameterSet params;
    private final ParameterSet grads;
    private final GlaModel model;
    private final AdamW optimizer;
    private final LearningRateSchedule schedule;
    private final double clip;
    private final int gradAccum;
    private final BatchSource source;
    private final Activations acts;

    /**
     * A trainer of params (updated in place) with batches from source. The optimizer's moments must belong to params;
     * the caller keeps ownership of params, ops and optimizer.
     *
     * @param clip maximal global gradient norm, 0 for no clipping
     */
    public Trainer(ParameterSet params, Ops ops, AdamW optimizer, LearningRateSchedule schedule, double clip,
                   int gradAccum, BatchSource source) {
        this(params, ops, optimizer, schedule, clip, gradAccum, source, Activations.Recompute.PRODUCTS);
    }

    /** recompute: what the backward recomputes (Activations.Recompute: memory against speed; the same bits). */
    public Trainer(ParameterSet params, Ops ops, AdamW optimizer, LearningRateSchedule schedule, double clip,
                   int gradAccum, BatchSource source, Activations.Recompute recompute) {
        if (gradAccum < 1) {
            throw new IllegalArgumentException("gradient accumulation " + gradAccum + " must be ≥ 1");
        }
        if (!(clip >= 0)) {
            throw new IllegalArgumentException("gradient clipping " + clip + " must be ≥ 0 (0 = off)");
        }
        if (source.vocabSize() > params.config().vocabSize()) {
            throw new IllegalArgumentException("the data has token ids up to " + (source.vocabSize() - 1)
                    + " but the model's vocab_size is " + params.config().vocabSize());
        }
        this.params = params;
        this.grads = params instanceof DeviceParameters d ? DeviceParameters.zeros(params.config(), d.context())
                : Parameters.zeros(params.config());
        this.model = new GlaModel(params, ops);
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.clip = clip;
        this.gradAccum = gradAccum;
        this.source = source;
        this.acts = model.newActivations(source.batchSize(), source.seqLen(), recompute);
    }

    public GlaModel model() {
        return model;
    }

    public int gradAccum() {
        return gradAccum;
    }

    /** Tokens one step reads. */
    public long tokensPerStep() {
        return (long) gradAccum * source.batchSize() * source.seqLen();
    }

    /** Step number step (0-based): gradients of its micro-batches, then the update. */
    public Step step(long step) {
        long start = System.nanoTime();
        grads.zero();
        double lossSum = 0;
        for (int j = 0; j < gradAccum; j++) {
            Batch batch = source.batch(step * gradAccum + j);
            lossSum += model.forward(acts, batch.inputIds(), batch.labels());
            model.backward(acts, grads);
        }
        if (gradAccum > 1) {
            GradientClipping.scale(grads, 1f / gradAccum);
        }
        double loss = lossSum / gradAccum;
        double norm = GradientClipping.globalNorm(grads);
        double lr = schedule.at(step);
        boolean finite = Double.isFinite(loss) && Double.isFinite(norm);
        if (finite) {
            GradientClipping.clip(grads, norm, clip);
            optimizer.update(params, grads, lr);
            model.ops().parametersChanged();
        }
        return new Step(step + 1, loss, lr, norm, tokensPerStep(), (System.nanoTime() - start) / 1e9);
    }

    /** Loss and accuracy over all targets of batches (forward only; the parameters are not touched). */
    public Evaluation evaluate(List<Batch> batches) {
        double nll = 0;
        long targets = 0, correct = 0;
        for (Batch batch : batches) {
            TokenScores scores = forward(batch);
            for (int r = 0; r < scores.nll.length; r++) {
                if (scores.scored[r]) {
                    nll += scores.nll[r];
                    targets++;
                    correct += scores.correct[r] ? 1 : 0;
                }
            }
        }
        return new Evaluation(targets == 0 ? Double.NaN : nll / targets,
                targets == 0 ? Double.NaN : (double) correct / targets, targets);
    }

    private TokenScores forward(Batch batch) {
        if (batch.batch() == acts.batch() && batch.seqLen() == acts.seqLen()) {
            model.forward(acts, batch.inputIds(), (int[]) null);
            return TokenScores.of(acts.logits(), batch);
        }
        try (Activations other = model.newActivations(batch.batch(), batch.seqLen())) {
            model.forward(other, batch.inputIds(), (int[]) null);
            return TokenScores.of(other.logits(), batch);
        }
    }

    @Override
    public void close() {
        acts.close();
        grads.close();
    }
}
