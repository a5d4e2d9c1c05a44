namespace Explain.Cam.Backends;

/// <summary>
/// An extra input (<see cref="IModelBackend.ExtraInputs"/>) that does not fit the model, naming it: what a caller maps
/// to the request field that gave it (<see cref="InputName"/>), or to the whole list when the input was not given at all
/// (<see cref="Missing"/>).
/// </summary>
public sealed class ExtraInputException : ArgumentException
{
    public ExtraInputException(string inputName, string message, bool missing = false, Exception? inner = null)
        : base(message, inner)
    {
        InputName = inputName;
        Missing = missing;
    }

    /// <summary>The model input the failure is about.</summary>
    public string InputName { get; }

    /// <summary>The model takes the input and none was given.</summary>
    public bool Missing { get; }
}
