namespace Explain.Cam.Attribution;

/// <summary>One class of a DFF concept: the head's score of the concept vector and its softmax probability.</summary>
public sealed record ConceptClass(int Class, float Score, float Probability);
