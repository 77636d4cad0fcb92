// Boost.JSON and Boost.URL compiled from their sources with the fuzz targets' flags, so that
// the sanitizers and libFuzzer's coverage see inside them (the packaged libraries are built
// without either).
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
