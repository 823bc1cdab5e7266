"""What generated code and users call at run time; never imports the compiler."""
