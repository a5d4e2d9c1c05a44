using Spectre.Console;
using Spectre.Console.Rendering;

namespace Explain.Cli.Terminal;

/// <summary>Steps per second of a task (batches, images), from Spectre's own speed estimate.</summary>
internal sealed class RateColumn : ProgressColumn
{
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        task.Speed is double speed && !task.IsFinished && task.MaxValue > 1
            ? new Markup($"[grey]{speed,6:F1}/s[/]")
            : new Text("        ");
}
