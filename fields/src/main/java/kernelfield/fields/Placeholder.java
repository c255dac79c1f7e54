package kernelfield.fields; final class Placeholder {}
