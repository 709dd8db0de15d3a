namespace EdgeMicro.Core.Model
{
    /// <summary>How the classifier turns the last layer's int8 outputs into a class and a confidence.</summary>
    public static class OutputKind
    {
        /// <summary>Outputs are logits; confidence is softmax probability (the graph may or may not end in Softmax).</summary>
        public const int Softmax = 0;

        /// <summary>Outputs go through a logistic sigmoid; one output means a binary classifier (classes 0 and 1).</summary>
        public const int Sigmoid = 1;
    }
}
