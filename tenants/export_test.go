package tenants

// HistogramMedianForTest lets the external tests check histogramMedian.
var HistogramMedianForTest = histogramMedian
