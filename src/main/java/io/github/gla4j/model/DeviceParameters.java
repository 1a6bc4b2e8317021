/*
 * DeviceParameters.java — a ParameterSet in the memory of a Context (a CUDA device): one fp32 allocation with a
 * DeviceTensor view per parameter, in the same packed order as Parameters, so whole sets move with one copy each
 * way. Tested by NativeOpsTest (on the cpu backend's context) and the GPU model tests.
 */
package io.github.gla4j.model;

import io.github.gla4j.memory.Context;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.DeviceTensor;
import io.github.gla4j.memory.Shape;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

public final class DeviceParameters implements ParameterSet {

    private final GlaConfig config;
    private final Context context;
    private final DeviceTensor flat;
    private final Map<String, DeviceTensor> views;

    private DeviceParameters(GlaConfig config, Context context) {
        this.config = config;
        this.context = context;
        this.flat = context.allocate(DType.F32, config.parameterCount());
        Map<String, DeviceTensor> byName = new LinkedHashMap<>();
        long offset = 0;
        for (GlaConfig.Parameter p : config.parameters()) {
            byName.put(p.name(), flat.slice(offset, p.numel()).reshape(Shape.of(p.shape())));
            offset += p.numel();
        }
        this.views = Collections.unmodifiableMap(byName);
    }

    /** All parameters of config, zero, in context's memory. */
    public static DeviceParameters zeros(GlaConfig config, Context context) {
        DeviceParameters p = new DeviceParameters(config, context);
        p.zero();
        return p;
    }

    /** A copy of host parameters in context's memory. */
    public static DeviceParameters upload(Parameters host, Context context) {
        DeviceParameters p = new DeviceParameters(host.config(), context);
        p.flat.copyFrom(host.flat());
        context.synchronize();
        return p;
    }

    /** Copies these parameters into host parameters of the same config (waits for the copy). */
    public void downloadTo(Parameters host) {
        requireSameLayout(host);
        flat.copyTo(host.flat());
    }

    /** Copies host parameters of the same config into these (waits for the copy). */
    public void uploadFrom(Parameters host) {
        requireSameLayout(host);
        flat.copyFrom(host.flat());
        context.synchronize();
    }

    private void requireSameLayout(Parameters host) {
        if (!host.config().parameters().equals(config.parameters())) {
            throw new IllegalArgumentException("DeviceParameters: the host parameters have another layout");
        }
    }

    public Context context() {
        return context;
    }

    @Override
    public GlaConfig config() {
        return config;
    }

    @Override
    public Set<String> names() {
        return views.keySet();
    }

    @Override
    public DeviceTensor get(String name) {
        return ParameterSet.lookup(views, name);
    }

    @Override
    public DeviceTensor flat() {
        return flat;
    }

    @Override
    public void zero() {
        context.memset(flat, 0);
    }

    @Override
    public void close() {
        flat.close();
    }
}
