package kernelfield.reconstruction; final class Placeholder {}
