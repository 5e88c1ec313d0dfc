// The translation unit of the precompiled-header targets comptoir_pch_lib and comptoir_pch_test
// (cmake/Precompiled.cmake, ADR 0180): they exist to compile the shared .gch; this file adds nothing.
