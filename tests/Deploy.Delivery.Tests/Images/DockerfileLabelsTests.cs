using Deploy.Delivery.Images;

namespace Deploy.Delivery.Tests.Images;

public sealed class DockerfileLabelsTests
{
    [Fact]
    public void Labels_become_one_LABEL_instruction_at_the_end_sorted_and_quoted_against_expansion()
    {
        var labels = new Dictionary<string, string> { ["b.version"] = "1.0", ["a.note"] = "say \"hi\" \\ to $HOME" };

        var text = DockerfileLabels.Append("FROM scratch\nCOPY . /app/", labels);

        Assert.Equal("FROM scratch\nCOPY . /app/\nLABEL \"a.note\"=\"say \\\"hi\\\" \\\\ to \\$HOME\" \"b.version\"=\"1.0\"\n", text);
    }

    [Theory]
    [InlineData("# escape=`\nFROM scratch\n", "v")] // the backquote escapes, not the backslash
    [InlineData("# syntax=docker/dockerfile:1\n#ESCAPE = `\nFROM scratch\n", "v")]
    [InlineData("FROM scratch\nENV A=1 \\\n", "v")] // the last line continues onto ours
    [InlineData("FROM scratch\n", "two\nlines")]
    public void Where_one_instruction_would_not_mean_the_same_there_is_none(string dockerfile, string value)
    {
        Assert.Null(DockerfileLabels.Append(dockerfile, new Dictionary<string, string> { ["k"] = value }));
    }

    [Fact]
    public void An_escape_comment_after_the_first_instruction_is_no_directive()
    {
        Assert.NotNull(DockerfileLabels.Append("FROM scratch\n# escape=`\n", new Dictionary<string, string> { ["k"] = "v" }));
    }
}
