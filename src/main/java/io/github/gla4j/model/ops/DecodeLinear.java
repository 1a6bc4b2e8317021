/*
 * DecodeLinear.java — the arguments of NativeOps.decodeLinear, the fused products of a decoding step
 * (gla_decode_linear in gla.h): for each Output, in one native call,
 *     y = epilogue(f(x)·weightᵀ + bias) + residual        x [rows, in], weight [out, in], y [rows, out]
 * with f one of the Input kinds (the norm or SwiGLU in front of the product) and the epilogue the log-sigmoid forget
 * gate or none. At most MAX_ROWS rows and MAX_OUTPUTS outputs a call; fp32 tensors, weights as NativeOps keeps them.
 *
 *   ops.decodeLinear(Input.rmsNorm(x, normWeight, eps), Epilogue.NONE, new Output(wq, q), new Output(wk, k));
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.ffi.GlaH;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.Tensor;

public final class DecodeLinear {

    /** The most rows (sequences of a decoding step) one call takes; larger batches go through Ops.linear. */
    public static final int MAX_ROWS = GlaH.GLA_DECODE_LINEAR_MAX_ROWS();
    /** The most products one call computes. */
    public static final int MAX_OUTPUTS = GlaH.GLA_DECODE_LINEAR_MAX_OUTPUTS();

    private DecodeLinear() {
    }

    /**
     * What the products read: f(x) of x [rows, in], with z [rows, in] for the gated norm and SwiGLU and a norm
     * weight [normWidth] for the norms (each group of normWidth elements of a row normalized on its own).
     */
    public record Input(int prologue, Tensor x, Tensor z, Tensor normWeight, float eps) {

        /** f(x) = x. */
        public static Input plain(Tensor x) {
            return new Input(GlaH.GLA_PROLOGUE_NONE(), x, null, null, 0f);
        }

        /** f(x) = RmsNorm.forward(x; weight, eps), over whole rows. */
        public static Input rmsNorm(Tensor x, Tensor weight, float eps) {
            return new Input(GlaH.GLA_PROLOGUE_RMS_NORM(), x, null, weight, eps);
        }

        /** f(x) = GatedRmsNorm.forward(x, z; weight, eps), over groups of weight's size (heads). */
        public static Input gatedRmsNorm(Tensor x, Tensor z, Tensor weight, float eps) {
            return new Input(GlaH.GLA_PROLOGUE_GATED_RMS_NORM(), x, z, weight, eps);
        }

        /** f(a) = SwiGlu.forward(a, b) = silu(a)·b. */
        public static Input swiGlu(Tensor a, Tensor b) {
            return new Input(GlaH.GLA_PROLOGUE_SWIGLU(), a, b, null, 0f);
        }

        /** The width of each normalized group: the norm weight's size (0 without a norm). */
        long normWidth() {
            return normWeight == null ? 0 : normWeight.elementCount();
        }
    }

    /** What follows the product and bias, before the residual. */
    public record Epilogue(int kind, float normalizer, float clampMin) {

        public static final Epilogue NONE = new Epilogue(GlaH.GLA_EPILOGUE_NONE(), 0f, 0f);

        /** LogSigmoidGate.forward: max(logsigmoid(·) / normalizer, clampMin), clampMin −∞ for none. */
        public static Epilogue logSigmoidGate(float normalizer, float clampMin) {
            return new Epilogue(GlaH.GLA_EPILOGUE_LOG_SIGMOID_GATE(), normalizer, clampMin);
        }
    }

    /** One product into y [rows, out]: weight [out, in], bias [out] or null, residual [rows, out] or null (or y). */
    public record Output(Tensor weight, Tensor bias, Tensor residual, Tensor y) {

        /** y = f(x)·weightᵀ. */
        public Output(Tensor weight, Tensor y) {
            this(weight, null, null, y);
        }
    }

    /** The rows of x, after checking every shape against it; IllegalArgumentException naming the argument. */
    static int check(Input input, Output[] outputs) {
        String op = "NativeOps.decodeLinear";
        Tensor x = input.x();
        long in = lastDim(x), rows = in == 0 ? 0 : x.elementCount() / in;
        if (rows > MAX_ROWS) {
            throw new IllegalArgumentException(op + ": at most " + MAX_ROWS + " rows, got x " + x.shape()
                    + " (use Ops.linear for larger batches)");
        }
        f32(op + ": ", "x", x);
        f32(op + ": ", "z", input.z());
        f32(op + ": ", "the norm weight", input.normWeight());
        if (input.z() != null && !input.z().shape().equals(x.shape())) {
            throw new IllegalArgumentException(op + ": z " + input.z().shape() + " must match x " + x.shape());
        }
        long width = input.normWidth();
        if (input.normWeight() != null && (width == 0 || in % width != 0)) {
            throw new IllegalArgumentException(op + ": the norm weight " + input.normWeight().shape()
                    + " must divide the rows of x " + x.shape() + " into groups");
        }
        if (outputs.length == 0 || outputs.length > MAX_OUTPUTS) {
            throw new IllegalArgumentException(op + ": 1 to " + MAX_OUTPUTS + " outputs, got " + outputs.length);
        }
        for (int i = 0; i < outputs.length; i++) {
            Output o = outputs[i];
            String at = op + ": output " + i + ": ";
            long out = o.weight().shape().rank() == 2 ? o.weight().shape().dim(0) : -1;
            if (out < 0 || lastDim(o.weight()) != in) {
                throw new IllegalArgumentException(at + "weight " + o.weight().shape() + " must be [out, " + in + "]");
            }
            f32(at, "y", o.y());
            f32(at, "bias", o.bias());
            f32(at, "residual", o.residual());
            if (lastDim(o.y()) != out || o.y().elementCount() != rows * out) {
                throw new IllegalArgumentException(at + "y " + o.y().shape() + " must be [" + rows + ", " + out + "]");
            }
            if (o.bias() != null && o.bias().elementCount() != out) {
                throw new IllegalArgumentException(at + "bias " + o.bias().shape() + " must hold " + out);
            }
            if (o.residual() != null && !o.residual().shape().equals(o.y().shape())) {
                throw new IllegalArgumentException(at + "residual " + o.residual().shape() + " must match y "
                        + o.y().shape());
            }
        }
        return Math.toIntExact(rows);
    }

    /** Everything but the weights is fp32 (gla_decode_linear); t may be null (absent). */
    private static void f32(String at, String name, Tensor t) {
        if (t != null && t.dtype() != DType.F32) {
            throw new IllegalArgumentException(at + name + " must be fp32, got " + t);
        }
    }

    private static long lastDim(Tensor t) {
        return t.shape().rank() == 0 ? 1 : t.shape().dim(t.shape().rank() - 1);
    }
}
