/*
 * Main.java — the `gla` command line (scripts/gla runs it): one picocli subcommand per task.
 *   gla info                      versions, backends, devices, CPU features
 *   gla check [--backend cpu|cuda] the kernel self-test (exit status 1 on any failure)
 *   gla demo                      chunkwise vs recurrent, then prefill + constant-memory decoding
 *   gla train                     train a GLA language model on the cpu or a GPU (MQAR by default, or text)
 *   gla eval                      a model's loss and perplexity on a text, by position
 *   gla forward --model DIR ...   a checkpoint on a batch: logits, loss and (--backward) every gradient
 *   gla generate --model DIR ...  continue a prompt, streaming the new text (prefill + recurrent decoding)
 *   gla bench kernels|train|generate   throughput of the kernels, of training steps, of decoding
 * Exit status: 0 success, 1 a failed check, 2 bad usage or an error.
 */
package io.github.gla4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "gla", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Gated Linear Attention for the JVM: kernels, self-test and tools.",
        subcommands = {InfoCommand.class, CheckCommand.class, DemoCommand.class, ForwardCommand.class,
                GenerateCommand.class, TrainCommand.class, EvalCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status (tests call this instead of main). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("gla " + commandLine.getCommandName() + ": " + e.getMessage());
            return 2;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"gla4j " + (v == null ? "(development build)" : v)};
        }
    }
}
