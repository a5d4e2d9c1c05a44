namespace Explain.Cam.Perturbation;

/// <summary>Separable Gaussian blur of CHW planes with reflect padding (kornia's gaussian_blur2d defaults), for Group-CAM's baseline.</summary>
internal static class GaussianBlur
{
    public static float[] Apply(float[] planes, int channels, int height, int width, int size = 51, double sigma = 50)
    {
        var kernel = new float[size];
        double sum = 0;
        for (int i = 0; i < size; i++) sum += kernel[i] = (float)Math.Exp(-Math.Pow(i - size / 2, 2) / (2 * sigma * sigma));
        for (int i = 0; i < size; i++) kernel[i] /= (float)sum;
        var tmp = new float[planes.Length];
        var result = new float[planes.Length];
        int r = size / 2;
        for (int c = 0; c < channels; c++)
        {
            int o = c * height * width;
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    float s = 0;
                    for (int k = -r; k <= r; k++) s += kernel[k + r] * planes[o + y * width + Reflect(x + k, width)];
                    tmp[o + y * width + x] = s;
                }
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    float s = 0;
                    for (int k = -r; k <= r; k++) s += kernel[k + r] * tmp[o + Reflect(y + k, height) * width + x];
                    result[o + y * width + x] = s;
                }
        }
        return result;
    }

    private static int Reflect(int i, int n)
    {
        if (n == 1) return 0;
        while (i < 0 || i >= n)
            i = i < 0 ? -i : 2 * (n - 1) - i;
        return i;
    }
}
