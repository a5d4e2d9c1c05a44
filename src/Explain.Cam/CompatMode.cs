namespace Explain.Cam;

/// <summary>Whose conventions an explanation follows where a reference library departs from the papers.</summary>
public enum CompatMode
{
    /// <summary>The papers' definitions (the default).</summary>
    Papers,

    /// <summary>pytorch-grad-cam's behaviour where it differs (docs/methods.md lists every difference).</summary>
    PytorchGradCam,
}
