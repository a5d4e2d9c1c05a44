namespace Explain.Cam.Targets;

/// <summary>
/// What a target resolved to when it was bound to the unperturbed output (issue 14 part 5): the region a
/// segmentation target sums, the rows a detection target matched, the reference a similarity target
/// compares with. Overlays draw it, result.json and the HEATMAP events carry it; class and output targets
/// have none.
/// </summary>
public abstract record TargetGeometry
{
    /// <summary>The pixels a segmentation target sums (row-major, 1 inside), at the output's resolution until <see cref="AtSize"/>.</summary>
    public sealed record Mask(int Height, int Width, byte[] Pixels) : TargetGeometry
    {
        /// <summary>How many pixels are inside.</summary>
        public int Count => Pixels.Count(p => p != 0);

        /// <summary>
        /// The mask at <paramref name="height"/> × <paramref name="width"/> (the model input's, where maps live), nearest
        /// neighbour: a model that segments at a coarser resolution gets its cells drawn as blocks.
        /// </summary>
        public Mask AtSize(int height, int width)
        {
            if (height == Height && width == Width)
                return this;
            var pixels = new byte[height * width];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    pixels[y * width + x] = Pixels[(int)((long)y * Height / height) * Width + (int)((long)x * Width / width)];
            return new Mask(height, width, pixels);
        }

        public bool Equals(Mask? other) => other is not null && Height == other.Height && Width == other.Width && Pixels.AsSpan().SequenceEqual(other.Pixels);

        public override int GetHashCode() => HashCode.Combine(Height, Width, Count);
    }

    /// <summary>A detection target's reference boxes, each with the row it matched on the unperturbed output (or none).</summary>
    public sealed record Boxes(IReadOnlyList<DetectionMatch> Matches) : TargetGeometry
    {
        public bool Equals(Boxes? other) => other is not null && Matches.SequenceEqual(other.Matches);

        public override int GetHashCode() => Matches.Count;
    }

    /// <summary>What a similarity target compares with, and whether its map lies on the reference picture.</summary>
    public sealed record Similarity(SimilarityReference Reference) : TargetGeometry
    {
        /// <summary>The map is on the second (reference) picture, not the request's.</summary>
        public bool OnReferenceImage => Reference == SimilarityReference.RequestImage;
    }
}
