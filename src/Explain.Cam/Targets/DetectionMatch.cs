namespace Explain.Cam.Targets;

/// <summary>One reference box of a detection target and the detector row it matched (null: no row matched, the box adds 0).</summary>
public sealed record DetectionMatch(ReferenceBox Reference, MatchedDetection? Detection);

/// <summary>
/// The raw output row a reference box matched: its index, its box (input pixels), its score for the
/// reference's label and the IoU with the reference box.
/// </summary>
public sealed record MatchedDetection(int Row, float X1, float Y1, float X2, float Y2, float Score, float Iou);
