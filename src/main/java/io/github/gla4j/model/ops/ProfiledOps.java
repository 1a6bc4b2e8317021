/*
 * ProfiledOps.java — where a step's time goes: Ops (and their GLA kernels) that wait for the device after every
 * call and add the call's wall time to its op's total. The waits make the whole slower, but attribute the time
 * exactly; `gla bench train --profile` prints the table. A java.lang.reflect.Proxy around any Ops.
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.kernels.GlaKernels;
import io.github.gla4j.memory.Context;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

public final class ProfiledOps {

    /** Total nanoseconds and calls of one op. */
    private static final class Total {
        long nanos, calls;
    }

    private final Map<String, Total> totals = new LinkedHashMap<>();
    private final Ops ops;

    /** ops timed op by op; context is the one they run on (synchronized after each call). */
    public ProfiledOps(Ops ops, Context context) {
        GlaKernels kernels = timed(GlaKernels.class, ops.kernels(), context, "gla.");
        this.ops = timed(Ops.class, ops, context, "", kernels);
    }

    /** The timed ops, to run a model with. */
    public Ops ops() {
        return ops;
    }

    /** Forgets what was measured so far (e.g. after warm-up). */
    public void reset() {
        totals.clear();
    }

    /** One line per op, the costliest first: total ms, share, calls, mean µs per call. */
    public List<String> report() {
        long all = totals.values().stream().mapToLong(t -> t.nanos).sum();
        List<String> lines = new ArrayList<>();
        totals.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().nanos, a.getValue().nanos))
                .forEach(e -> lines.add(String.format(Locale.ROOT, "%-28s %10.2f ms %6.1f%% %7d calls %9.1f µs/call",
                        e.getKey(), e.getValue().nanos / 1e6, 100.0 * e.getValue().nanos / Math.max(1, all),
                        e.getValue().calls, e.getValue().nanos / 1e3 / Math.max(1, e.getValue().calls))));
        return lines;
    }

    @SuppressWarnings("unchecked")
    private <T> T timed(Class<T> type, T target, Context context, String prefix, Object... replacements) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            if (method.getName().equals("kernels") && replacements.length > 0) {
                return replacements[0];
            }
            boolean timedCall = method.getReturnType() == void.class || method.getReturnType() == double.class;
            long t0 = System.nanoTime();
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (timedCall && !method.getName().equals("close")) {
                context.synchronize();
                Total t = totals.computeIfAbsent(prefix + method.getName(), k -> new Total());
                t.nanos += System.nanoTime() - t0;
                t.calls++;
            }
            return result;
        });
    }
}
