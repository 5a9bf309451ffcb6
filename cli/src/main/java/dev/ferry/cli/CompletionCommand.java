package dev.ferry.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints the shell completion script, generated from the command definitions, so it never lags behind them. */
@Command(name = "completion",
        description = {"Print a completion script for bash or zsh.",
                "Completes commands, options, enumerated values and file names. Load it in the current shell "
                        + "with source <(ferry completion bash), or add that line to ~/.bashrc (~/.zshrc for zsh)."},
        footerHeading = "%nExample:%n",
        footer = {"  source <(ferry completion bash)",
                "  ferry completion zsh > ~/.zsh/ferry-completion.zsh"})
final class CompletionCommand implements Callable<Integer> {

    /** The shells the script is for; one script serves both (zsh runs it through bashcompinit). */
    enum Shell {
        bash, zsh
    }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
