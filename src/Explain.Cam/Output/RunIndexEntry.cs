namespace Explain.Cam.Output;

/// <summary>One input of a multi-input run: its folder (relative to the run's folder) and what was written there.</summary>
public sealed record RunIndexEntry(string Folder, ResultDocument Result);
