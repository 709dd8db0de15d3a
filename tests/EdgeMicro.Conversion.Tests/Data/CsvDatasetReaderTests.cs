using EdgeMicro.Data;
using EdgeMicro.Conversion.Tests.Support;

namespace EdgeMicro.Conversion.Tests.Data;

public sealed class CsvDatasetReaderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public void Read_WhenValid_ReturnsFeaturesInColumnOrderAndLabels()
    {
        string path = _temp.WriteLines("ok.csv", "a, label ,b", "", "1.5,2,-3e2", "  ", "\"0\",0, 4 ");

        LabeledDataset d = CsvDatasetReader.Read(path, "label", null, 3);

        Assert.Equal(path, d.Path);
        Assert.Equal(["a", "b"], d.FeatureNames);
        Assert.Equal(2, d.Count);
        Assert.Equal(2, d.FeatureCount);
        Assert.Equal([1.5, -300.0], d.Features[0]);
        Assert.Equal([0.0, 4.0], d.Features[1]);
        Assert.Equal([2, 0], d.Labels);
    }

    [Fact]
    public void Read_WhenClassNamesAreGiven_AcceptsNamesAndIndices()
    {
        string path = _temp.WriteLines("named.csv", "x,label", "1,cat", "2,1", "3,dog");

        LabeledDataset d = CsvDatasetReader.Read(path, "label", ["dog", "cat"], 2);

        Assert.Equal([1, 1, 0], d.Labels);
    }

    [Fact]
    public void Read_WhenLabelsAreOptionalAndMissing_LabelsAreMinusOne()
    {
        string path = _temp.WriteLines("unlabelled.csv", "x,y", "1,2", "3,4");

        LabeledDataset d = CsvDatasetReader.Read(path, "label", null, 2, requireLabels: false);

        Assert.Equal([-1, -1], d.Labels);
        Assert.Equal(["x", "y"], d.FeatureNames);
    }

    [Fact]
    public void Read_WhenOnlyTheHeaderIsPresent_ReturnsAnEmptySet()
    {
        string path = _temp.WriteLines("header.csv", "x,y,label");

        LabeledDataset d = CsvDatasetReader.Read(path, "label", null, 2);

        Assert.Equal(0, d.Count);
        Assert.Equal(2, d.FeatureCount);
    }

    [Fact]
    public void Read_WhenTheFileIsMissing_ThrowsFileNotFound()
    {
        string path = _temp.Combine("missing.csv");

        var e = Assert.Throws<InputDataException>(() => CsvDatasetReader.Read(path, "label", null, 2));

        Assert.Equal(path + ": no such file (CSV)", e.Message);
    }

    [Fact]
    public void Read_WhenTheFileIsEmpty_ThrowsExpectedAHeader()
    {
        string path = _temp.WriteLines("empty.csv", "", "  ");

        var e = Assert.Throws<InputDataException>(() => CsvDatasetReader.Read(path, "label", null, 2));

        Assert.StartsWith(path + ": file is empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenTheLabelColumnIsMissing_ThrowsWithTheHeaderLine()
    {
        string path = _temp.WriteLines("nolabel.csv", "", "x,y,class", "1,2,0");

        var e = Assert.Throws<InputDataException>(() => CsvDatasetReader.Read(path, "label", null, 2));

        Assert.StartsWith(path + ":2: no label column 'label'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1,2")]
    [InlineData("1,2,0,4")]
    public void Read_WhenARowHasTheWrongColumnCount_ThrowsWithFileAndLine(string row)
    {
        string path = _temp.WriteLines("columns.csv", "x,y,label", "1,2,0", "", row);

        var e = Assert.Throws<InputDataException>(() => CsvDatasetReader.Read(path, "label", null, 2));

        Assert.StartsWith(path + ":4: row has ", e.Message, StringComparison.Ordinal);
        Assert.Contains("the header has 3", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e999")]
    [InlineData("1.2.3")]
    public void Read_WhenACellIsNotAFiniteNumber_ThrowsWithFileLineAndColumn(string cell)
    {
        string path = _temp.WriteLines("cells.csv", "x,y,label", "1,2,0", $"3,{cell},1");

        var e = Assert.Throws<InputDataException>(() => CsvDatasetReader.Read(path, "label", null, 2));

        Assert.Equal($"{path}:3:2: '{cell}' in column 'y' is not a number", e.Message);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("-1")]
    public void Read_WhenALabelIsOutsideTheClasses_ThrowsWithFileLineAndColumn(string label)
    {
        string path = _temp.WriteLines("labels.csv", "label,x", "0,1", $"{label},2");

        var e = Assert.Throws<InputDataException>(() => CsvDatasetReader.Read(path, "label", null, 2));

        Assert.Equal($"{path}:3:1: label {label} is outside the model's classes 0..1", e.Message);
    }

    [Fact]
    public void Read_WhenALabelIsNoKnownName_ThrowsListingTheClasses()
    {
        string path = _temp.WriteLines("names.csv", "x,label", "1,bird");

        var e = Assert.Throws<InputDataException>(() => CsvDatasetReader.Read(path, "label", ["dog", "cat"], 2));

        Assert.Equal($"{path}:2:2: label 'bird' is not one of the model's classes (dog, cat)", e.Message);
    }

    public void Dispose() => _temp.Dispose();
}
