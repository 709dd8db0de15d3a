using EdgeMicro.Core.Model;
using EdgeMicro.Data;

namespace EdgeMicro.Conversion.Pipeline;

/// <summary>
/// Runs a step on a loaded model (estimate, quantization) so that whatever it cannot represent is reported as one
/// <see cref="InputDataException"/> naming the model file first, then the layer or tensor.
/// </summary>
public static class ModelStep
{
    /// <summary>Runs the step.</summary>
    /// <typeparam name="T">Result type.</typeparam>
    /// <param name="modelPath">The ONNX file the model came from.</param>
    /// <param name="step">The step.</param>
    /// <returns>The step's result.</returns>
    /// <exception cref="InputDataException">The step rejected the model.</exception>
    public static T Run<T>(string modelPath, Func<T> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        try
        {
            return step();
        }
        catch (InputDataException e)
        {
            throw new InputDataException($"{modelPath}: {e.Message}", e);
        }
        catch (ModelFormatException e)
        {
            // The core's own validation: a limit of the device format (weights, activation sizes...).
            throw new InputDataException($"{modelPath}: the model cannot run on the device: {e.Message}", e);
        }
    }
}
