// libsystemc needs an sc_main symbol; the test binaries run GoogleTest's main instead and elaborate
// their own modules inside each TEST (one process per TEST under ctest).
extern "C" int sc_main(int, char**) { return 0; }
