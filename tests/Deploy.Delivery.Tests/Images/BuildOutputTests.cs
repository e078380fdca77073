using Deploy.Delivery.Images;
using Docker.DotNet.Models;

namespace Deploy.Delivery.Tests.Images;

public sealed class BuildOutputTests
{
    // As the legacy builder streams a failing RUN: text split across messages, then an error message.
    private static readonly JSONMessage[] FailingBuild =
    [
        new() { Stream = "Step 1/3 : FROM base" },
        new() { Stream = "\n" },
        new() { Stream = " ---> 4b4819e98406\n" },
        new() { Stream = "Step 2/3 : RUN echo compiling && exit 3\n ---> Running in 81f64ab52dc3\n" },
        new() { Stream = "compil" },
        new() { Stream = "ing\n" },
        new() { Error = new JSONError { Code = 3, Message = "The command '/bin/sh -c echo compiling && exit 3' returned a non-zero code: 3" } },
    ];

    [Fact]
    public void A_failure_names_the_step_the_engine_error_and_the_steps_output()
    {
        var output = new BuildOutput(new LevelLog(), stepLinesOnly: false);

        foreach (var message in FailingBuild)
            output.Report(message);

        Assert.Equal(
            "Image build failed at Step 2/3 : RUN echo compiling && exit 3: The command '/bin/sh -c echo compiling && exit 3' returned a non-zero code: 3\n  compiling",
            output.Failure);
    }

    [Fact]
    public void Lines_are_printed_whole_even_when_split_across_messages()
    {
        var log = new LevelLog();
        var output = new BuildOutput(log, stepLinesOnly: false);

        foreach (var message in FailingBuild)
            output.Report(message);

        Assert.Equal(["Step 1/3 : FROM base", " ---> 4b4819e98406", "Step 2/3 : RUN echo compiling && exit 3", " ---> Running in 81f64ab52dc3", "compiling"], log.Texts);
    }

    [Fact]
    public void On_ci_only_step_lines_are_printed()
    {
        var log = new LevelLog();
        var output = new BuildOutput(log, stepLinesOnly: true);

        foreach (var message in FailingBuild)
            output.Report(message);

        Assert.Equal(["Step 1/3 : FROM base", "Step 2/3 : RUN echo compiling && exit 3"], log.Texts);
        Assert.Contains("compiling", output.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void The_image_id_comes_from_the_aux_message_or_the_success_line()
    {
        var fromAux = new BuildOutput(new LevelLog(), false);
        fromAux.Report(new JSONMessage { Aux = new ObjectExtensionData { ExtensionData = new Dictionary<string, object> { ["ID"] = "sha256:abc" } } });
        var fromLine = new BuildOutput(new LevelLog(), false);
        fromLine.Report(new JSONMessage { Stream = "Successfully built 9e80ec7bbd02\n" });

        Assert.Equal("sha256:abc", fromAux.ImageId);
        Assert.Equal("9e80ec7bbd02", fromLine.ImageId);
        Assert.Null(fromLine.Failure);
    }
}
