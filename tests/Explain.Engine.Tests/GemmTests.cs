using Explain.Engine.Kernels;

namespace Explain.Engine.Tests;

[Trait("Category", "Kernels")]
public class GemmTests
{
    [Theory]
    [InlineData(0, 10)]
    [InlineData(11, 20)]
    [InlineData(21, 30)]
    [InlineData(31, 40)]
    public void Multiply_EverySmallShape_MatchesReference(int firstM, int lastM)
    {
        // Every M, N, K in 0..40 crosses all edge-tile cases of the 8×32, 6×16 and 4×4 tiles.
        for (int m = firstM; m <= lastM; m++)
            for (int n = 0; n <= 40; n++)
                for (int k = 0; k <= 40; k++)
                    AssertMatchesReference(m, n, k, transA: false, transB: false, accumulate: false, parallel: null);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Multiply_Transposes_MatchesReference(bool transA, bool transB)
    {
        foreach (int m in new[] { 1, 6, 11, 37 })
            foreach (int n in new[] { 1, 15, 33, 70 })
                foreach (int k in new[] { 1, 9, 30 })
                    AssertMatchesReference(m, n, k, transA, transB, accumulate: false, parallel: null);
    }

    [Fact]
    public void Multiply_Accumulate_AddsToExistingC()
    {
        AssertMatchesReference(19, 45, 23, transA: false, transB: true, accumulate: true, parallel: null);
    }

    [Theory]
    [InlineData(300, 280, 600)]
    [InlineData(64, 3136, 147)]
    [InlineData(2048, 49, 520)]
    [InlineData(257, 513, 257)]
    public void Multiply_LargeShapesTwoThreads_MatchesReference(int m, int n, int k)
    {
        AssertMatchesReference(m, n, k, transA: false, transB: false, accumulate: false, new ParallelOptions { MaxDegreeOfParallelism = 2 });
    }

    [Fact]
    public void Multiply_PackedWithBiasAndClamp_MatchesReferenceThenEpilogue()
    {
        // Arrange
        var random = new Random(3);
        int m = 21, n = 70, k = 300;
        var a = RandomArray(m * k, random);
        var b = RandomArray(k * n, random);
        var bias = RandomArray(m + 4, random);
        var expected = new float[m * n];
        GemmReference.Multiply(m, n, k, a, k, false, b, n, false, expected, n);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                expected[i * n + j] = Math.Clamp(expected[i * n + j] + bias[i + 4], 0f, 1.5f);
        var packed = PackedMatrix.Pack(a, 0, m, k, k, transposed: false);
        var actual = new float[m * n];

        // Act
        Gemm.Multiply(packed, b, n, false, n, actual, n, false, new GemmEpilogue(bias, 4, true, 0f, 1.5f));

        // Assert
        AssertClose(expected, actual, k);
    }

    [Fact]
    public void Multiply_ThreadCounts_GiveIdenticalResults()
    {
        var random = new Random(5);
        int m = 130, n = 700, k = 520;
        var a = RandomArray(m * k, random);
        var b = RandomArray(k * n, random);
        var one = new float[m * n];
        var two = new float[m * n];

        Gemm.Multiply(m, n, k, a, k, false, b, n, false, one, n);
        Gemm.Multiply(m, n, k, a, k, false, b, n, false, two, n, parallel: new ParallelOptions { MaxDegreeOfParallelism = 2 });

        Assert.Equal(one, two);
    }

    [Fact]
    public void Multiply_OperandTooShort_Throws()
    {
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(4, 4, 4, new float[15], 4, false, new float[16], 4, false, new float[16], 4));
    }

    internal static void AssertMatchesReference(int m, int n, int k, bool transA, bool transB, bool accumulate, ParallelOptions? parallel)
    {
        // Arrange: leading dimensions wider than the matrices, to catch stride mistakes.
        var random = new Random(m * 10007 + n * 101 + k);
        int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 1;
        var a = RandomArray((transA ? k : m) * lda, random);
        var b = RandomArray((transB ? n : k) * ldb, random);
        var expected = RandomArray(m * ldc, random);
        var actual = (float[])expected.Clone();

        // Act
        GemmReference.Multiply(m, n, k, a, lda, transA, b, ldb, transB, expected, ldc, accumulate);
        Gemm.Multiply(m, n, k, a, lda, transA, b, ldb, transB, actual, ldc, accumulate, parallel);

        // Assert
        AssertClose(expected, actual, k);
    }

    internal static void AssertClose(float[] expected, float[] actual, int k)
    {
        double tolerance = 1e-5 * Math.Sqrt(k + 1) * 4;
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(expected[i] - actual[i]) / Math.Max(1.0, Math.Abs(expected[i]));
            if (err > tolerance)
                Assert.Fail($"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    internal static float[] RandomArray(int length, Random random)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1);
        return data;
    }
}
