package kernelfield.bench; final class Placeholder {}
